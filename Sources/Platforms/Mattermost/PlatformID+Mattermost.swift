import IncidentKit

extension PlatformID {
    /// Mattermost's channels: `data/channels/mattermost/…`.
    public static let mattermost = PlatformID("mattermost")
}
