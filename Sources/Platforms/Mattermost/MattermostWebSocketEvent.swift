import Foundation
import IncidentKit

/// A frame of Mattermost's WebSocket API that Firebell acts on: a `posted` event that is a command for it.
/// The post arrives as a JSON-encoded string inside `data.post` and is decoded a second time.
public struct MattermostWebSocketEvent: Sendable, Equatable {
    public var postID: String
    public var command: InboundCommand

    /// The command in a `posted` frame, or nil: other events, the bot's own posts, system posts, and text that is
    /// not `/incident …`, `!incident …` or `@<bot name> …`.
    public init?(text: String, botUserID: String, botName: String) {
        guard let frame = (try? JSONSerialization.jsonObject(with: Data(text.utf8))) as? [String: Any], frame["event"] as? String == "posted",
            let data = frame["data"] as? [String: Any], let postText = data["post"] as? String,
            let post = (try? JSONSerialization.jsonObject(with: Data(postText.utf8))) as? [String: Any],
            let id = post["id"] as? String, let userID = post["user_id"] as? String, let channelID = post["channel_id"] as? String,
            let message = post["message"] as? String
        else { return nil }
        guard userID != botUserID, (post["type"] as? String ?? "").isEmpty else { return nil }
        guard let sender = (data["sender_name"] as? String).map({ String($0.drop { $0 == "@" }) }), !sender.isEmpty else { return nil }
        let trimmed = message.trimmingCharacters(in: .whitespacesAndNewlines)
        var arguments = CommandParser.stripCommandName(trimmed)
        let mention = "@" + botName
        if arguments == nil, trimmed.lowercased().hasPrefix(mention.lowercased()) {
            let rest = trimmed.dropFirst(mention.count)
            if rest.isEmpty || rest.first!.isWhitespace {
                arguments = CommandParser.stripCommandName(rest.trimmingCharacters(in: .whitespaces)) ?? String(rest)
            }
        }
        guard let arguments else { return nil }
        let team = data["team_id"] as? String ?? ""
        postID = id
        command = InboundCommand(
            channel: ChannelRef(platform: .mattermost, workspace: team.isEmpty ? "default" : team, channel: channelID),
            actor: UserRef(sender),
            arguments: arguments
        )
    }

    /// The first frame after connecting: `authentication_challenge` with the bot token.
    public static func authenticationChallenge(token: String) -> String {
        let frame: [String: Any] = ["seq": 1, "action": "authentication_challenge", "data": ["token": token]]
        return String(decoding: (try? JSONSerialization.data(withJSONObject: frame, options: [.sortedKeys])) ?? Data(), as: UTF8.self)
    }
}
