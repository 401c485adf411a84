import Foundation

/// A message someone wrote in a chat channel, as Firebell keeps it when it goes on an incident's timeline: a 📌
/// reaction, a context-menu command, or the message an incident was declared from.
package struct ChatMessage: Sendable, Equatable, Codable {
    /// The platform's id of the message (a Slack `ts`, a Mattermost post id, a Matrix event id, a Discord id).
    package var id: String
    /// Who wrote it; nil for messages no person wrote (a webhook's).
    package var author: UserRef?
    package var text: String
    /// When it was posted, by the platform's clock.
    package var postedAt: Date
    /// Its permalink, when the platform has one.
    package var link: String?
    /// The reaction that pinned it, where a reaction is an event of its own (Matrix), so that taking the reaction
    /// back (a redaction, which names only the reaction) can be matched to the message.
    package var reaction: String?

    /// The most of a message's text the log keeps.
    package static let maxTextLength = 3000

    package init(id: String, author: UserRef?, text: String, postedAt: Date, link: String?, reaction: String? = nil) {
        self.id = id
        self.author = author
        self.text = String(text.trimmingWhitespace().prefix(Self.maxTextLength))
        // Whole seconds, as the log keeps times: the fold in memory and the fold read back agree.
        self.postedAt = Date(timeIntervalSince1970: postedAt.timeIntervalSince1970.rounded(.down))
        self.link = link.flatMap(Runbooks.validURL)
        self.reaction = reaction
    }

    /// The text on one line, for the timeline.
    package var oneLine: String {
        text.split(whereSeparator: \.isNewline).map { $0.trimmingWhitespace() }.filter { !$0.isEmpty }.joined(separator: " / ")
    }
}

/// What a reaction (or a context-menu command) asks of the timeline.
package enum TimelinePin: Sendable, Equatable {
    /// Put the message on the timeline of the channel's incident.
    case add(ChatMessage)
    /// The last pin reaction was taken off the message with this id: the timeline records that too.
    case remove(messageID: String)
    /// The reaction with this id, which pinned a message, was taken back (a Matrix redaction).
    case removeReaction(String)
}
