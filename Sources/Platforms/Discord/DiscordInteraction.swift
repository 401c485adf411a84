import Foundation
import IncidentKit

/// An interaction as Discord posts it to the interactions endpoint: a PING, or the `/incident` command with
/// its subcommand and options, turned into the same argument text a responder would type.
package struct DiscordInteraction: Sendable, Equatable {
    package enum Kind: Sendable, Equatable {
        case ping
        /// `/incident <subcommand> …`, as the arguments of the command language.
        case command(arguments: String)
        /// A message context-menu command ("Add to timeline", "Declare incident") on the message it was used on.
        case messageCommand(DiscordMessageCommand, message: ChatMessage)
        /// Anything else (components, autocomplete, other commands): acknowledged, not acted on.
        case other(type: Int)
    }

    package var kind: Kind
    package var id: String
    package var applicationID: String
    /// The interaction token: valid 15 minutes, for the deferred answer and follow-ups.
    package var token: String
    package var channelID: String?
    package var guildID: String?
    package var userID: String?
    /// The person's Discord display name (or user name).
    package var userName: String?

    package init?(json: Data) {
        guard let body = try? JSONDecoder().decode(Body.self, from: json) else { return nil }
        let type = body.type
        id = body.id ?? ""
        applicationID = body.applicationID ?? ""
        token = body.token ?? ""
        channelID = body.channelID ?? body.channel?.id
        guildID = body.guildID
        let user = body.member?.user ?? body.user
        userID = user?.id
        userName = user?.globalName ?? user?.username
        switch type {
        case 1:
            kind = .ping
        case 2 where body.data?.type == 3:
            guard let data = body.data, let command = DiscordMessageCommand(rawValue: data.name ?? ""), let target = data.targetID,
                let message = data.resolved?.messages?[target], let channelID = message.channelID ?? channelID
            else {
                kind = .other(type: type)
                return
            }
            let link = "https://discord.com/channels/\(guildID ?? "@me")/\(channelID)/\(message.id)"
            kind = .messageCommand(
                command,
                message: ChatMessage(
                    id: message.id,
                    author: message.author.map { UserRef($0.id) },
                    text: message.content ?? "",
                    postedAt: message.timestamp.flatMap(ISOTimestamp.parseRFC3339) ?? Date(timeIntervalSince1970: 0),
                    link: link
                )
            )
        case 2:
            guard let data = body.data, data.name == DiscordCommandCatalog.commandName,
                let arguments = DiscordCommandCatalog.arguments(from: data.options ?? [])
            else {
                kind = .other(type: type)
                return
            }
            kind = .command(arguments: arguments)
        default:
            kind = .other(type: type)
        }
    }

    /// The fields of an interaction Firebell reads.
    struct Body: Decodable {
        struct Reference: Decodable {
            var id: String
        }
        struct User: Decodable {
            var id: String
            var username: String?
            var globalName: String?

            enum CodingKeys: String, CodingKey {
                case id, username
                case globalName = "global_name"
            }
        }
        struct Member: Decodable {
            var user: User?
        }
        struct CommandData: Decodable {
            var name: String?
            /// 1 a slash command, 3 a message context-menu command.
            var type: Int?
            var options: [Option]?
            var targetID: String?
            var resolved: Resolved?

            enum CodingKeys: String, CodingKey {
                case name, type, options, resolved
                case targetID = "target_id"
            }
        }
        struct Resolved: Decodable {
            var messages: [String: Message]?
        }
        struct Message: Decodable {
            var id: String
            var channelID: String?
            var content: String?
            var timestamp: String?
            var author: User?

            enum CodingKeys: String, CodingKey {
                case id, content, timestamp, author
                case channelID = "channel_id"
            }
        }

        var type: Int
        var id: String?
        var applicationID: String?
        var token: String?
        var channelID: String?
        var channel: Reference?
        var guildID: String?
        var member: Member?
        var user: User?
        var data: CommandData?

        enum CodingKeys: String, CodingKey {
            case type, id, token, channel, member, user, data
            case applicationID = "application_id"
            case channelID = "channel_id"
            case guildID = "guild_id"
        }
    }

    /// An option of the invoked command: a subcommand or group (with options of its own), or a value.
    package struct Option: Decodable, Sendable, Equatable {
        package var name: String
        package var type: Int?
        package var value: Value?
        package var options: [Option]?
    }

    /// An option's value, of whichever JSON type Discord sent.
    package enum Value: Decodable, Sendable, Equatable, CustomStringConvertible {
        case string(String)
        case integer(Int)
        case number(Double)
        case boolean(Bool)

        package init(from decoder: any Decoder) throws {
            let container = try decoder.singleValueContainer()
            if let value = try? container.decode(String.self) {
                self = .string(value)
            } else if let value = try? container.decode(Int.self) {
                self = .integer(value)
            } else if let value = try? container.decode(Double.self) {
                self = .number(value)
            } else {
                self = .boolean(try container.decode(Bool.self))
            }
        }

        package var description: String {
            switch self {
            case .string(let value): value
            case .integer(let value): "\(value)"
            case .number(let value): "\(value)"
            case .boolean(let value): "\(value)"
            }
        }
    }

    /// The inline answer: a message only the invoker sees (`flags: 64`) that pings nobody.
    package static func reply(_ text: String) -> DiscordInteractionResponse {
        DiscordInteractionResponse(type: 4, data: .init(content: DiscordContent.fitted(text), flags: 64, allowedMentions: .init(parse: [])))
    }

    package static var pong: DiscordInteractionResponse { DiscordInteractionResponse(type: 1) }
    /// "Thinking…", only for the invoker; the answer follows by editing the original response.
    package static var deferred: DiscordInteractionResponse { DiscordInteractionResponse(type: 5, data: .init(flags: 64)) }
}

/// What the interactions endpoint answers: `type` 1 PONG, 4 a message, 5 deferred.
package struct DiscordInteractionResponse: Encodable, Sendable, Equatable {
    package struct Message: Encodable, Sendable, Equatable {
        package var content: String?
        package var flags: Int?
        package var allowedMentions: DiscordAllowedMentions?

        enum CodingKeys: String, CodingKey {
            case content, flags
            case allowedMentions = "allowed_mentions"
        }
    }

    package var type: Int
    package var data: Message?
}

/// Who a message may ping: only the kinds in `parse` and the users listed.
package struct DiscordAllowedMentions: Encodable, Sendable, Equatable {
    package var parse: [String]
    package var users: [String]?
}
