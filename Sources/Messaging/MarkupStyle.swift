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
}

extension MarkupStyle {
    package var lineBreak: String { "\n" }
    package var rendersMarkdown: Bool { false }
    package func mention(_ user: UserRef) -> String? { nil }
}

/// Terminal text.
struct PlainMarkup: MarkupStyle {
    func escape(_ text: String) -> String { text }
    func bold(_ text: String) -> String { text }
    var channelMention: String { "@here" }
}

/// Slack mrkdwn: `&`, `<` and `>` are its only control characters.
struct SlackMarkup: MarkupStyle {
    func escape(_ text: String) -> String {
        text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;").replacingOccurrences(of: ">", with: "&gt;")
    }
    func bold(_ text: String) -> String { "*\(text)*" }
    func mention(_ user: UserRef) -> String? { "<@\(user.id)>" }
    var channelMention: String { "<!here>" }
}

/// Markdown with backslash escapes; Discord mentions people by id, Mattermost by `@username`.
struct MarkdownMarkup: MarkupStyle {
    let mentionsByID: Bool
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
}

/// HTML, as Matrix's `formatted_body`.
struct HTMLMarkup: MarkupStyle {
    func escape(_ text: String) -> String {
        text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;").replacingOccurrences(of: ">", with: "&gt;")
            .replacingOccurrences(of: "\"", with: "&quot;").replacingOccurrences(of: "'", with: "&#39;")
    }
    func bold(_ text: String) -> String { "<b>\(text)</b>" }
    /// A Matrix pill: a link to the person's id, which clients show as their name and which notifies them.
    func mention(_ user: UserRef) -> String? {
        guard user.id.contains(":") else { return nil }
        let id = escape("@" + user.id)
        return "<a href=\"https://matrix.to/#/\(id)\">\(id)</a>"
    }
    var channelMention: String { "@room" }
    var lineBreak: String { "<br>\n" }
}
