import IncidentKit

extension PlatformID {
    /// Slack's channels: `data/channels/slack/…`.
    package static let slack = PlatformID("slack")
}
