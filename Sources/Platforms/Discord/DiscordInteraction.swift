import Foundation
import IncidentKit

/// An interaction as Discord posts it to the interactions endpoint: a PING, or the `/incident` command with
/// its subcommand and options, turned into the same argument text a responder would type.
public struct DiscordInteraction: Sendable, Equatable {
    public enum Kind: Sendable, Equatable {
        case ping
        /// `/incident <subcommand> …`, as the arguments of the command language.
        case command(arguments: String)
        /// Anything else (components, autocomplete, other commands): acknowledged, not acted on.
        case other(type: Int)
    }

    public var kind: Kind
    public var id: String
    public var applicationID: String
    /// The interaction token: valid 15 minutes, for the deferred answer and follow-ups.
    public var token: String
    public var channelID: String?
    public var guildID: String?
    public var userID: String?

    public init?(json: Data) {
        guard let object = (try? JSONSerialization.jsonObject(with: json)) as? [String: Any], let type = object["type"] as? Int else { return nil }
        id = object["id"] as? String ?? ""
        applicationID = object["application_id"] as? String ?? ""
        token = object["token"] as? String ?? ""
        channelID = object["channel_id"] as? String ?? (object["channel"] as? [String: Any])?["id"] as? String
        guildID = object["guild_id"] as? String
        let user = ((object["member"] as? [String: Any])?["user"] as? [String: Any]) ?? object["user"] as? [String: Any]
        userID = user?["id"] as? String
        switch type {
        case 1:
            kind = .ping
        case 2:
            guard let data = object["data"] as? [String: Any], data["name"] as? String == DiscordCommandCatalog.commandName,
                let arguments = DiscordCommandCatalog.arguments(from: data["options"] as? [[String: Any]] ?? [])
            else {
                kind = .other(type: type)
                return
            }
            kind = .command(arguments: arguments)
        default:
            kind = .other(type: type)
        }
    }

    /// The command for the engine, when this is one from a person in a channel.
    public var inbound: InboundCommand? {
        guard case .command(let arguments) = kind, let channelID, let userID else { return nil }
        return InboundCommand(
            channel: ChannelRef(platform: .discord, workspace: guildID ?? "direct", channel: channelID),
            actor: UserRef(userID),
            arguments: arguments
        )
    }

    /// The inline answer: a message only the invoker sees (`flags: 64`) that pings nobody.
    public static func reply(_ text: String) -> DiscordInteractionResponse {
        DiscordInteractionResponse(type: 4, data: .init(content: DiscordContent.fitted(text), flags: 64, allowedMentions: .init(parse: [])))
    }

    public static var pong: DiscordInteractionResponse { DiscordInteractionResponse(type: 1) }
    /// "Thinking…", only for the invoker; the answer follows by editing the original response.
    public static var deferred: DiscordInteractionResponse { DiscordInteractionResponse(type: 5, data: .init(flags: 64)) }
}

/// What the interactions endpoint answers: `type` 1 PONG, 4 a message, 5 deferred.
public struct DiscordInteractionResponse: Encodable, Sendable, Equatable {
    public struct Message: Encodable, Sendable, Equatable {
        public var content: String?
        public var flags: Int?
        public var allowedMentions: DiscordAllowedMentions?

        enum CodingKeys: String, CodingKey {
            case content, flags
            case allowedMentions = "allowed_mentions"
        }
    }

    public var type: Int
    public var data: Message?
}

/// Who a message may ping: only the kinds in `parse` and the users listed.
public struct DiscordAllowedMentions: Encodable, Sendable, Equatable {
    public var parse: [String]
    public var users: [String]?
}
