import Foundation
import IncidentKit

/// How one text format escapes, emphasises and mentions; ``Markup`` adds what every format shares (broadcast
/// mentions neutralised, one-line and multi-line user text).
package protocol MarkupStyle: Sendable {
    /// User text made literal: it can neither format nor link.
    func escape(_ text: String) -> String
    /// Firebell's own label in bold.
    func bold(_ text: String) -> String
    /// The mention that notifies `user`, or nil where a person is named by their escaped `@name`.
    func mention(_ user: UserRef) -> String?
    /// The mention that notifies the people active in the channel.
    var channelMention: String { get }
    /// What ends a line.
    var lineBreak: String { get }
    /// Whether Markdown shows formatted.
    var rendersMarkdown: Bool { get }
    /// A link to `url` (an http(s) address without spaces or angle brackets, see ``Runbooks/validURL(_:)``).
    func link(_ url: String) -> String
    /// A moment each reader sees in their own time zone, where the platform has tokens for it (nil: UTC text).
    /// `clockOnly` for lines that already name the day.
    func time(_ date: Date, clockOnly: Bool) -> String?
    /// A link to another conversation (a war room) by its id, where the platform has one (nil: `#name`).
    func channelLink(_ channel: ChannelRef, name: String) -> String?
}

extension MarkupStyle {
    package var lineBreak: String { "\n" }
    package var rendersMarkdown: Bool { false }
    package func mention(_ user: UserRef) -> String? { nil }
    package func link(_ url: String) -> String { escape(url) }
    package func time(_ date: Date, clockOnly: Bool) -> String? { nil }
    package func channelLink(_ channel: ChannelRef, name: String) -> String? { nil }
}

/// Terminal text.
struct PlainMarkup: MarkupStyle {
    func escape(_ text: String) -> String { text }
    func bold(_ text: String) -> String { text }
    var channelMention: String { "@here" }
}

/// Slack mrkdwn: `&`, `<` and `>` are its only control characters.
struct SlackMarkup: MarkupStyle {
    func escape(_ text: String) -> String { EntityEscaper.escape(text, quotes: false) }
    func bold(_ text: String) -> String { "*\(text)*" }
    func mention(_ user: UserRef) -> String? { "<@\(user.id)>" }
    var channelMention: String { "<!here>" }
    func channelLink(_ channel: ChannelRef, name: String) -> String? { "<#\(escape(channel.channel))>" }
    /// `<!date^…^{date_short_pretty} {time}|2026-11-22 21:15 UTC>`: Slack shows it in the reader's zone, and the
    /// fallback text where it cannot (notifications, old clients).
    func time(_ date: Date, clockOnly: Bool) -> String? {
        let seconds = Int(date.timeIntervalSince1970.rounded(.down))
        return clockOnly ? "<!date^\(seconds)^{time}|\(UTC.clock(date)) UTC>" : "<!date^\(seconds)^{date_short_pretty} {time}|\(UTC.minute(date))>"
    }
    /// `<url>`, with `&` as an entity and `|` (which would start a label) percent-encoded.
    func link(_ url: String) -> String { "<\(escape(url).replacingOccurrences(of: "|", with: "%7C"))>" }
}

/// Markdown with backslash escapes; Discord mentions people by id, Mattermost by `@username`.
struct MarkdownMarkup: MarkupStyle {
    let mentionsByID: Bool
    /// An autolink: nothing in it is Markdown (and Discord shows no preview for it).
    func link(_ url: String) -> String { "<\(url)>" }
    /// Discord's timestamp (`<t:…:f>`, `<t:…:t>`) in the reader's zone; Mattermost has none, and keeps UTC.
    func time(_ date: Date, clockOnly: Bool) -> String? {
        guard mentionsByID else { return nil }
        return "<t:\(Int(date.timeIntervalSince1970.rounded(.down))):\(clockOnly ? "t" : "f")>"
    }
    /// Mattermost shows Firebell's Markdown (the postmortem draft) formatted; Discord's answers show it escaped.
    var rendersMarkdown: Bool { !mentionsByID }

    private static let specials: Set<Character> = ["\\", "`", "*", "_", "~", "[", "]", "(", ")", "<", ">", "#", "|", "!"]

    func escape(_ text: String) -> String {
        var out = ""
        out.reserveCapacity(text.count)
        for character in text {
            if Self.specials.contains(character) { out.append("\\") }
            out.append(character)
        }
        return out
    }
    func bold(_ text: String) -> String { "**\(text)**" }
    func mention(_ user: UserRef) -> String? { mentionsByID ? "<@\(user.id)>" : nil }
    var channelMention: String { "@here" }
    /// Discord `<#id>`; Mattermost `~name`.
    func channelLink(_ channel: ChannelRef, name: String) -> String? { mentionsByID ? "<#\(channel.channel)>" : "~" + escape(name) }
}

/// HTML, as Matrix's `formatted_body`.
struct HTMLMarkup: MarkupStyle {
    func escape(_ text: String) -> String { EntityEscaper.escape(text, quotes: true) }
    func bold(_ text: String) -> String { "<b>\(text)</b>" }
    func link(_ url: String) -> String { "<a href=\"\(escape(url))\">\(escape(url))</a>" }
    /// A Matrix pill: a link to the person's id, which clients show as their name and which notifies them.
    func mention(_ user: UserRef) -> String? {
        guard user.id.contains(":") else { return nil }
        let id = escape("@" + user.id)
        return "<a href=\"https://matrix.to/#/\(id)\">\(id)</a>"
    }
    var channelMention: String { "@room" }
    var lineBreak: String { "<br>\n" }
    func channelLink(_ channel: ChannelRef, name: String) -> String? {
        let room = channel.channel.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? channel.channel
        return "<a href=\"https://matrix.to/#/\(escape(room))\">#\(escape(name))</a>"
    }
}

/// Replaces `&`, `<`, `>` (and with `quotes`, `"` and `'`) by their entities in one pass over the UTF-8 bytes:
/// every post and answer is escaped, so this is on every command's path.
enum EntityEscaper {
    static func escape(_ text: String, quotes: Bool) -> String {
        let utf8 = text.utf8
        guard utf8.contains(where: { needsEscape($0, quotes: quotes) }) else { return text }
        var out: [UInt8] = []
        out.reserveCapacity(utf8.count + 16)
        for byte in utf8 {
            switch byte {
            case UInt8(ascii: "&"): out += "&amp;".utf8
            case UInt8(ascii: "<"): out += "&lt;".utf8
            case UInt8(ascii: ">"): out += "&gt;".utf8
            case UInt8(ascii: "\"") where quotes: out += "&quot;".utf8
            case UInt8(ascii: "'") where quotes: out += "&#39;".utf8
            default: out.append(byte)
            }
        }
        return String(decoding: out, as: UTF8.self)
    }

    private static func needsEscape(_ byte: UInt8, quotes: Bool) -> Bool {
        byte == UInt8(ascii: "&") || byte == UInt8(ascii: "<") || byte == UInt8(ascii: ">")
            || (quotes && (byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "'")))
    }
}
