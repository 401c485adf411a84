import Foundation
import IncidentKit

/// A frame of Mattermost's WebSocket API that Firebell acts on: a `posted` event that is a command for it.
/// The post arrives as a JSON-encoded string inside `data.post` and is decoded a second time.
package struct MattermostWebSocketEvent: Sendable, Equatable {
    package var postID: String
    package var command: InboundCommand

    /// The command in a `posted` frame, or nil: other events, the bot's own posts, system posts, and text that is
    /// not `/incident …`, `!incident …` or `@<bot name> …`.
    package init?(text: String, botUserID: String, botName: String) {
        guard let frame = try? JSONDecoder().decode(Frame.self, from: Data(text.utf8)), frame.event == "posted", let data = frame.data,
            let postText = data.post, let post = try? JSONDecoder().decode(Post.self, from: Data(postText.utf8))
        else { return nil }
        let (id, userID, channelID, message) = (post.id, post.userID, post.channelID, post.message)
        guard userID != botUserID, (post.type ?? "").isEmpty else { return nil }
        guard let sender = data.senderName.map({ String($0.drop { $0 == "@" }) }), !sender.isEmpty else { return nil }
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
        let team = data.teamID ?? ""
        postID = id
        command = InboundCommand(
            channel: ChannelRef(platform: .mattermost, workspace: team.isEmpty ? "default" : team, channel: channelID),
            actor: UserRef(sender),
            arguments: arguments
        )
    }

    /// The first frame after connecting: `authentication_challenge` with the bot token.
    package static func authenticationChallenge(token: String) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let frame = Challenge(data: .init(token: token))
        return String(decoding: (try? encoder.encode(frame)) ?? Data(), as: UTF8.self)
    }

    /// A WebSocket event frame: `event`, and `data` whose `post` is itself JSON in a string.
    struct Frame: Decodable {
        struct Payload: Decodable {
            var post: String?
            var senderName: String?
            var teamID: String?

            enum CodingKeys: String, CodingKey {
                case post
                case senderName = "sender_name"
                case teamID = "team_id"
            }
        }
        var event: String?
        var data: Payload?
    }

    /// The post inside a `posted` event.
    struct Post: Decodable {
        var id: String
        var userID: String
        var channelID: String
        var message: String
        var type: String?

        enum CodingKeys: String, CodingKey {
            case id, message, type
            case userID = "user_id"
            case channelID = "channel_id"
        }
    }

    struct Challenge: Encodable {
        struct Token: Encodable {
            var token: String
        }
        var seq = 1
        var action = "authentication_challenge"
        var data: Token
    }
}
