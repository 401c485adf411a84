import IncidentKit

extension PlatformID {
    /// Discord's channels: `data/channels/discord/…`.
    public static let discord = PlatformID("discord")
}
