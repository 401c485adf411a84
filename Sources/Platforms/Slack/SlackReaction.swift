import Foundation
import IncidentKit

/// A `reaction_added` or `reaction_removed` event on a message.
package struct SlackReaction: Sendable, Equatable {
    package var eventID: String
    package var channel: ChannelRef
    /// Who reacted.
    package var user: UserRef
    /// The reaction's short name (`pushpin`, `thumbsup::skin-tone-2`).
    package var name: String
    /// The message's `ts`: a top-level message or a thread reply.
    package var messageTS: String
    package var added: Bool
}

/// What `reactions.get` says about a message: its text, author, time, permalink and current reactions.
struct SlackReactedMessage: Decodable {
    struct Message: Decodable {
        var text: String?
        var user: String?
        var ts: String
        var permalink: String?
        var reactions: [Reaction]?
    }

    struct Reaction: Decodable {
        var name: String
        var count: Int?
    }

    var ok: Bool
    var error: String?
    var message: Message?

    /// The message as it goes on the timeline.
    static func chatMessage(_ message: Message) -> ChatMessage {
        ChatMessage(
            id: message.ts,
            author: message.user.map(UserRef.init),
            text: message.text ?? "",
            postedAt: Date(timeIntervalSince1970: TimeInterval(message.ts) ?? 0),
            link: message.permalink
        )
    }
}
