import Foundation
import IncidentKit

/// An Events API callback, as far as Firebell reads it.
public enum SlackEvent: Sendable, Equatable {
    /// Slack checking the Request URL: answer with the challenge.
    case urlVerification(challenge: String)
    /// `@firebell sev 1` in a channel: the same as `/incident sev 1`.
    case mention(eventID: String, command: InboundCommand)
    /// Anything else Firebell does not act on, acknowledged and ignored.
    case ignored(eventID: String?)

    /// Reads a JSON Events API body; nil when it is not one.
    public init?(json body: Data) {
        guard let object = try? JSONSerialization.jsonObject(with: body) as? [String: Any], let type = object["type"] as? String else { return nil }
        switch type {
        case "url_verification":
            guard let challenge = object["challenge"] as? String else { return nil }
            self = .urlVerification(challenge: challenge)
        case "event_callback":
            let eventID = object["event_id"] as? String
            guard let eventID, let event = object["event"] as? [String: Any], let teamID = object["team_id"] as? String else {
                self = .ignored(eventID: eventID)
                return
            }
            guard event["type"] as? String == "app_mention", event["bot_id"] == nil, let user = event["user"] as? String,
                let channel = event["channel"] as? String, let text = event["text"] as? String
            else {
                self = .ignored(eventID: eventID)
                return
            }
            let command = InboundCommand(
                channel: ChannelRef(platform: .slack, workspace: teamID, channel: channel),
                actor: UserRef(user),
                arguments: Self.arguments(fromMention: text)
            )
            self = .mention(eventID: eventID, command: command)
        default:
            self = .ignored(eventID: object["event_id"] as? String)
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
