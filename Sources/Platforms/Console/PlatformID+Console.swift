import IncidentKit

extension PlatformID {
    /// Console's channels: `data/channels/console/…`.
    package static let console = PlatformID("console")
}
