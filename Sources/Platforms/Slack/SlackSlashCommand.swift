import Foundation
import IncidentKit

/// A slash command as Slack sends it (HTTP form or the payload of a Socket Mode envelope).
public struct SlackSlashCommand: Sendable, Equatable {
    public var command: String
    public var text: String
    public var teamID: String
    public var channelID: String
    public var userID: String
    public var responseURL: String?

    public init(command: String, text: String, teamID: String, channelID: String, userID: String, responseURL: String?) {
        self.command = command
        self.text = text
        self.teamID = teamID
        self.channelID = channelID
        self.userID = userID
        self.responseURL = responseURL
    }

    /// Reads the fields Firebell needs; nil when a required one is missing.
    public init?(fields: FormFields) {
        guard let command = fields["command"], let teamID = fields["team_id"], let channelID = fields["channel_id"],
            let userID = fields["user_id"], !teamID.isEmpty, !channelID.isEmpty, !userID.isEmpty
        else { return nil }
        self.init(
            command: command,
            text: fields["text"] ?? "",
            teamID: teamID,
            channelID: channelID,
            userID: userID,
            responseURL: fields["response_url"]
        )
    }

    /// Reads a slash command from a Socket Mode payload (the same fields as the form, as JSON).
    public init?(json: Data) {
        guard let object = try? JSONSerialization.jsonObject(with: json) as? [String: Any] else { return nil }
        let strings = object.compactMapValues { $0 as? String }
        self.init(fields: FormFields(values: strings))
    }

    /// The command for the engine: the channel and the person, in Firebell's terms.
    public var inbound: InboundCommand {
        InboundCommand(channel: ChannelRef(platform: .slack, workspace: teamID, channel: channelID), actor: UserRef(userID), arguments: text)
    }
}
