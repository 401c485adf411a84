import IncidentKit

extension PlatformID {
    /// Slack's channels: `data/channels/slack/…`.
    public static let slack = PlatformID("slack")
}
