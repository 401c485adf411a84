import IncidentKit

extension PlatformID {
    /// Console's channels: `data/channels/console/…`.
    public static let console = PlatformID("console")
}
