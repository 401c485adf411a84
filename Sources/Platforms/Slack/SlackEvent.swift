import Foundation
import IncidentKit

/// An Events API callback, as far as Firebell reads it.
package enum SlackEvent: Sendable, Equatable {
    /// Slack checking the Request URL: answer with the challenge.
    case urlVerification(challenge: String)
    /// `@firebell sev 1` in a channel: the same as `/incident sev 1`.
    case mention(eventID: String, command: InboundCommand)
    /// A reaction added to (or removed from) a message: the pin reaction puts it on the timeline.
    case reaction(SlackReaction)
    /// Anything else Firebell does not act on, acknowledged and ignored.
    case ignored(eventID: String?)

    /// The parts of an Events API body Firebell reads.
    struct Body: Decodable {
        struct Event: Decodable {
            struct Item: Decodable {
                var type: String?
                var channel: String?
                var ts: String?
            }

            var type: String?
            var user: String?
            var channel: String?
            var text: String?
            var botID: String?
            var reaction: String?
            var item: Item?

            enum CodingKeys: String, CodingKey {
                case type, user, channel, text, reaction, item
                case botID = "bot_id"
            }
        }

        var type: String
        var challenge: String?
        var eventID: String?
        var teamID: String?
        var event: Event?

        enum CodingKeys: String, CodingKey {
            case type, challenge, event
            case eventID = "event_id"
            case teamID = "team_id"
        }
    }

    /// Reads a JSON Events API body; nil when it is not one.
    package init?(json body: Data) {
        guard let decoded = try? JSONDecoder().decode(Body.self, from: body) else { return nil }
        switch decoded.type {
        case "url_verification":
            guard let challenge = decoded.challenge else { return nil }
            self = .urlVerification(challenge: challenge)
        case "event_callback" where ["reaction_added", "reaction_removed"].contains(decoded.event?.type):
            guard let eventID = decoded.eventID, let teamID = decoded.teamID, let event = decoded.event, let user = event.user,
                let reaction = event.reaction, let item = event.item, item.type == "message", let channel = item.channel, let ts = item.ts
            else {
                self = .ignored(eventID: decoded.eventID)
                return
            }
            self = .reaction(
                SlackReaction(
                    eventID: eventID,
                    channel: ChannelRef(platform: .slack, workspace: teamID, channel: channel),
                    user: UserRef(user),
                    name: reaction,
                    messageTS: ts,
                    added: event.type == "reaction_added"
                )
            )
        case "event_callback":
            guard let eventID = decoded.eventID, let teamID = decoded.teamID, let event = decoded.event, event.type == "app_mention",
                event.botID == nil, let user = event.user, let channel = event.channel, let text = event.text
            else {
                self = .ignored(eventID: decoded.eventID)
                return
            }
            let command = InboundCommand(
                channel: ChannelRef(platform: .slack, workspace: teamID, channel: channel),
                actor: UserRef(user),
                arguments: Self.arguments(fromMention: text)
            )
            self = .mention(eventID: eventID, command: command)
        default:
            self = .ignored(eventID: decoded.eventID)
        }
    }

    /// `<@UBOT> sev 1` → `sev 1`; `<@UBOT> /incident sev 1` → `sev 1`.
    static func arguments(fromMention text: String) -> String {
        var rest = Substring(text).drop(while: \.isWhitespace)
        if rest.hasPrefix("<@"), let close = rest.firstIndex(of: ">") { rest = rest[rest.index(after: close)...] }
        let trimmed = rest.trimmingCharacters(in: .whitespaces)
        return CommandParser.stripCommandName(trimmed)?.trimmingCharacters(in: .whitespaces) ?? trimmed
    }
}
