import Foundation
import IncidentKit

/// A Mattermost custom slash command request (form fields as `server/channels/app/command.go` sends them), decoded
/// with ``FormDecoder``.
package struct MattermostSlashCommand: Decodable, Sendable, Equatable {
    package var command: String
    package var text: String
    package var teamID: String
    package var channelID: String
    package var userName: String
    /// The form repeats the command token; it must match the header's.
    package var token: String
    package var responseURL: String?

    enum CodingKeys: String, CodingKey {
        case command, text, token
        case teamID = "team_id"
        case channelID = "channel_id"
        case userName = "user_name"
        case responseURL = "response_url"
    }

    /// Decodes the fields; a missing or empty team, channel or user name is an error.
    package init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        command = try container.decode(String.self, forKey: .command)
        text = try container.decodeIfPresent(String.self, forKey: .text) ?? ""
        teamID = try container.decode(String.self, forKey: .teamID)
        channelID = try container.decode(String.self, forKey: .channelID)
        userName = try container.decode(String.self, forKey: .userName)
        token = try container.decodeIfPresent(String.self, forKey: .token) ?? ""
        responseURL = try container.decodeIfPresent(String.self, forKey: .responseURL)
        guard !teamID.isEmpty, !channelID.isEmpty, !userName.isEmpty else {
            throw DecodingError.dataCorrupted(.init(codingPath: [], debugDescription: "team_id, channel_id and user_name must not be empty"))
        }
    }

    /// People are their Mattermost user names, which is how responders @mention each other there.
    package var inbound: InboundCommand {
        InboundCommand(channel: ChannelRef(platform: .mattermost, workspace: teamID, channel: channelID), actor: UserRef(userName), arguments: text)
    }
}
