import Foundation
import IncidentKit

/// A Mattermost custom slash command request (form fields as `server/channels/app/command.go` sends them).
public struct MattermostSlashCommand: Sendable, Equatable {
    public var command: String
    public var text: String
    public var teamID: String
    public var channelID: String
    public var userName: String
    public var responseURL: String?

    /// Reads the fields Firebell needs; nil when a required one is missing.
    public init?(fields: FormFields) {
        guard let command = fields["command"], let teamID = fields["team_id"], let channelID = fields["channel_id"],
            let userName = fields["user_name"], !teamID.isEmpty, !channelID.isEmpty, !userName.isEmpty
        else { return nil }
        self.command = command
        self.text = fields["text"] ?? ""
        self.teamID = teamID
        self.channelID = channelID
        self.userName = userName
        self.responseURL = fields["response_url"]
    }

    /// People are their Mattermost user names, which is how responders @mention each other there.
    public var inbound: InboundCommand {
        InboundCommand(channel: ChannelRef(platform: .mattermost, workspace: teamID, channel: channelID), actor: UserRef(userName), arguments: text)
    }
}
