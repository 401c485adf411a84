import Foundation
import IncidentKit

/// A slash command as Slack sends it: a URL-encoded form over HTTP (decoded from its bytes by
/// ``FormDecoder``), or the same fields as JSON in a Socket Mode envelope.
package struct SlackSlashCommand: Decodable, Sendable, Equatable {
    package var command: String
    package var text: String
    package var teamID: String
    package var channelID: String
    package var userID: String
    /// The person's Slack user name, as the form names them.
    package var userName: String?
    package var responseURL: String?

    enum CodingKeys: String, CodingKey {
        case command, text
        case teamID = "team_id"
        case channelID = "channel_id"
        case userID = "user_id"
        case userName = "user_name"
        case responseURL = "response_url"
    }

    package init(command: String, text: String, teamID: String, channelID: String, userID: String, userName: String? = nil, responseURL: String?) {
        self.command = command
        self.text = text
        self.teamID = teamID
        self.channelID = channelID
        self.userID = userID
        self.userName = userName
        self.responseURL = responseURL
    }

    /// Decodes the fields; a missing or empty team, channel or user is an error.
    package init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        command = try container.decode(String.self, forKey: .command)
        text = try container.decodeIfPresent(String.self, forKey: .text) ?? ""
        teamID = try container.decode(String.self, forKey: .teamID)
        channelID = try container.decode(String.self, forKey: .channelID)
        userID = try container.decode(String.self, forKey: .userID)
        userName = try container.decodeIfPresent(String.self, forKey: .userName)
        responseURL = try container.decodeIfPresent(String.self, forKey: .responseURL)
        guard !teamID.isEmpty, !channelID.isEmpty, !userID.isEmpty else {
            throw DecodingError.dataCorrupted(.init(codingPath: [], debugDescription: "team_id, channel_id and user_id must not be empty"))
        }
    }

    /// Reads a slash command from a Socket Mode payload (the same fields as the form, as JSON).
    package init?(json: Data) {
        guard let command = try? JSONDecoder().decode(SlackSlashCommand.self, from: json) else { return nil }
        self = command
    }

    /// The command for the engine: the channel and the person, in Firebell's terms.
    package var inbound: InboundCommand {
        InboundCommand(
            channel: ChannelRef(platform: .slack, workspace: teamID, channel: channelID),
            actor: UserRef(userID),
            arguments: text,
            actorName: userName
        )
    }
}

/// Slack's periodic check of the command URL: a form with `ssl_check=1`, answered 200 and not run.
struct SlackSSLCheck: Decodable {
    var sslCheck: String?

    enum CodingKeys: String, CodingKey { case sslCheck = "ssl_check" }
}
