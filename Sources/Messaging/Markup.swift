import Foundation
import IncidentKit

/// The text format of a chat platform; user text is escaped for it so it can neither format nor ping.
public enum Markup: String, Sendable, CaseIterable {
    /// Terminal text (the console).
    case plain
    /// Slack mrkdwn: `&`, `<`, `>` are control characters.
    case slack
    /// Markdown as Mattermost reads it (mentions are `@username`).
    case markdown
    /// Discord's Markdown: the same escaping, mentions as `<@user id>`.
    case discord
    /// Matrix `formatted_body` HTML.
    case html

    /// Escapes user text so that it shows literally and pings nobody.
    public func escape(_ text: String) -> String {
        let escaped: String
        switch self {
        case .plain:
            escaped = text
        case .slack:
            escaped = text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
                .replacingOccurrences(of: ">", with: "&gt;")
        case .markdown, .discord:
            escaped = Self.backslashEscaped(text)
        case .html:
            escaped = text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
                .replacingOccurrences(of: ">", with: "&gt;").replacingOccurrences(of: "\"", with: "&quot;")
                .replacingOccurrences(of: "'", with: "&#39;")
        }
        return Self.neutralizingBroadcasts(escaped)
    }

    /// Escapes user text that belongs on one line of a post (a title, an impact, a root cause): its line breaks
    /// become spaces, so it can never start a line of its own that passes for a template field ("Status: Resolved").
    public func inline(_ text: String) -> String {
        guard text.contains(where: \.isNewline) else { return escape(text) }
        return escape(String(text.map { $0.isNewline ? " " : $0 }))
    }

    /// Escapes user text that may run over several lines (an update, a note, handover notes): every line after the
    /// first starts with the continuation mark `↳`, so no line of it can pass for a template field.
    public func lines(_ text: String) -> String {
        guard text.contains(where: \.isNewline) else { return escape(text) }
        return text.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline).map { escape(String($0)) }
            .joined(separator: "\n" + Self.continuation)
    }

    /// Starts each continuation line of multi-line user text.
    public static let continuation = "↳ "

    /// Wraps our own label text in bold.
    public func bold(_ text: String) -> String {
        switch self {
        case .plain: text
        case .slack: "*\(text)*"
        case .markdown, .discord: "**\(text)**"
        case .html: "<b>\(text)</b>"
        }
    }

    /// A mention that notifies `user` on this platform.
    public func mention(_ user: UserRef) -> String {
        switch self {
        case .slack, .discord: "<@\(user.id)>"
        default: escape(user.description)
        }
    }

    /// The mention that notifies the people active in the channel, used when a reminder has nobody else to address.
    public var channelMention: String {
        switch self {
        case .slack: "<!here>"
        case .html: "@room"
        case .plain, .markdown, .discord: "@here"
        }
    }

    /// Turns rendered lines into the platform's line breaks.
    func finish(_ rendered: String) -> String {
        let trimmed = rendered.trimmingCharacters(in: .whitespacesAndNewlines)
        return self == .html ? trimmed.replacingOccurrences(of: "\n", with: "<br>\n") : trimmed
    }

    private static let markdownSpecials: Set<Character> = ["\\", "`", "*", "_", "~", "[", "]", "(", ")", "<", ">", "#", "|", "!"]

    private static func backslashEscaped(_ text: String) -> String {
        var out = ""
        out.reserveCapacity(text.count)
        for character in text {
            if markdownSpecials.contains(character) { out.append("\\") }
            out.append(character)
        }
        return out
    }

    /// Puts a word joiner after the `@` of `@channel`, `@here`, `@everyone`, `@all`, `@room`, `@group`:
    /// the text reads the same, and no platform sees a broadcast mention in it.
    static func neutralizingBroadcasts(_ text: String) -> String {
        guard text.contains("@") || text.contains("＠") else { return text }
        var out = ""
        var index = text.startIndex
        while index < text.endIndex {
            let character = text[index]
            out.append(character)
            index = text.index(after: index)
            guard character == "@" || character == "＠" else { continue }
            let word = text[index...].prefix(while: { $0.isLetter })
            if UserRef.broadcastNames.contains(word.lowercased()) { out.append("\u{2060}") }
        }
        return out
    }
}
