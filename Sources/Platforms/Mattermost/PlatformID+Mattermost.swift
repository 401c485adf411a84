import IncidentKit

extension PlatformID {
    /// Mattermost's channels: `data/channels/mattermost/…`.
    package static let mattermost = PlatformID("mattermost")
}
