import IncidentKit

extension PlatformID {
    /// Discord's channels: `data/channels/discord/…`.
    package static let discord = PlatformID("discord")
}
