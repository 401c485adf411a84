import Foundation
import IncidentKit

/// The text format of a chat platform; user text is escaped for it so it can neither format nor ping.
///
/// The markups every platform shares (plain text, Markdown, HTML) and Slack's and Discord's live here; a platform
/// with a format of its own declares it in its folder with ``MarkupStyle``:
/// `extension Markup { static let teams = Markup(name: "teams", style: TeamsMarkup()) }`.
package struct Markup: Sendable, Hashable, CustomStringConvertible {
    /// A short name, for logs and test names.
    package let name: String
    let style: any MarkupStyle

    package init(name: String, style: any MarkupStyle) {
        self.name = name
        self.style = style
    }

    package var description: String { name }
    package static func == (lhs: Markup, rhs: Markup) -> Bool { lhs.name == rhs.name }
    package func hash(into hasher: inout Hasher) { hasher.combine(name) }

    /// Terminal text (the console).
    package static let plain = Markup(name: "plain", style: PlainMarkup())
    /// Slack mrkdwn: `&`, `<`, `>` are control characters.
    package static let slack = Markup(name: "slack", style: SlackMarkup())
    /// Markdown as Mattermost reads it (mentions are `@username`).
    package static let markdown = Markup(name: "markdown", style: MarkdownMarkup(mentionsByID: false))
    /// Discord's Markdown: the same escaping, mentions as `<@user id>`.
    package static let discord = Markup(name: "discord", style: MarkdownMarkup(mentionsByID: true))
    /// Matrix `formatted_body` HTML.
    package static let html = Markup(name: "html", style: HTMLMarkup())

    /// The markups built in, for tests that hold for every one.
    package static let builtIn: [Markup] = [.plain, .slack, .markdown, .discord, .html]

    /// Escapes user text so that it shows literally and pings nobody.
    package func escape(_ text: String) -> String { Self.neutralizingBroadcasts(style.escape(text)) }

    /// Escapes user text that belongs on one line of a post (a title, an impact, a root cause): its line breaks
    /// become spaces, so it can never start a line of its own that passes for a template field ("Status: Resolved").
    package func inline(_ text: String) -> String {
        guard text.contains(where: \.isNewline) else { return escape(text) }
        return escape(String(text.map { $0.isNewline ? " " : $0 }))
    }

    /// Escapes user text that may run over several lines (an update, a note, handover notes): every line after the
    /// first starts with the continuation mark `↳`, so no line of it can pass for a template field.
    package func lines(_ text: String) -> String {
        guard text.contains(where: \.isNewline) else { return escape(text) }
        return text.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline).map { escape(String($0)) }
            .joined(separator: "\n" + Self.continuation)
    }

    /// Starts each continuation line of multi-line user text.
    package static let continuation = "↳ "

    /// Wraps our own label text in bold.
    package func bold(_ text: String) -> String { style.bold(text) }

    /// A moment in the reader's own time zone where the platform has tokens for it (Slack, Discord), else
    /// "2026-11-22 21:15 UTC" (or "21:15 UTC" with `clockOnly`).
    package func time(_ date: Date, clockOnly: Bool = false) -> String {
        style.time(date, clockOnly: clockOnly) ?? (clockOnly ? UTC.clock(date) + " UTC" : UTC.minute(date))
    }

    /// A link to an address Firebell checked (``Runbooks/validURL(_:)``), as this platform makes one.
    package func link(_ url: String) -> String { style.link(url) }

    /// A link to another conversation of the platform (a war room), else `#name`.
    package func channelLink(_ channel: ChannelRef, name: String) -> String { style.channelLink(channel, name: name) ?? "#" + escape(name) }

    /// A mention that notifies `user` on this platform.
    package func mention(_ user: UserRef) -> String { style.mention(user) ?? escape(user.description) }

    /// The mention that notifies the people active in the channel, used when a reminder has nobody else to address.
    package var channelMention: String { style.channelMention }

    /// Whether Markdown written by Firebell (the postmortem draft) shows as formatted text here.
    package var rendersMarkdown: Bool { style.rendersMarkdown }

    /// Turns rendered lines into the platform's line breaks.
    func finish(_ rendered: String) -> String {
        let trimmed = rendered.trimmingCharacters(in: .whitespacesAndNewlines)
        let lineBreak = style.lineBreak
        return lineBreak == "\n" ? trimmed : trimmed.replacingOccurrences(of: "\n", with: lineBreak)
    }

    /// Puts a word joiner after the `@` of `@channel`, `@here`, `@everyone`, `@all`, `@room`, `@group`:
    /// the text reads the same, and no platform sees a broadcast mention in it.
    static func neutralizingBroadcasts(_ text: String) -> String {
        // Scanned as bytes: `String.contains("@")` would go through Foundation's `NSString` search.
        guard text.utf8.contains(where: { $0 == UInt8(ascii: "@") || $0 == 0xEF }), text.contains(where: { $0 == "@" || $0 == "＠" }) else {
            return text
        }
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
