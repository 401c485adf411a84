import IncidentKit

extension DiscordInteraction {
    /// The channel the interaction came from.
    package var channel: ChannelRef? { channelID.map { ChannelRef(platform: .discord, workspace: guildID ?? "direct", channel: $0) } }

    /// What to run for the engine, when this is a command from a person in a channel: the `/incident` text, or a
    /// message command's pin or declaration.
    package var input: ChannelInput? {
        guard let channel, let userID else { return nil }
        var input: ChannelInput
        switch kind {
        case .command(let arguments):
            return .command(InboundCommand(channel: channel, actor: UserRef(userID), arguments: arguments, actorName: userName))
        case .messageCommand(.addToTimeline, let message):
            input = ChannelInput(.input(.pin(.add(message))), in: channel, by: UserRef(userID))
        case .messageCommand(.declareIncident, let message):
            input = ChannelInput(.input(.declareFromMessage(message, severity: nil)), in: channel, by: UserRef(userID))
        case .ping, .other:
            return nil
        }
        input.actorName = userName
        return input
    }
}
