import IncidentKit

extension PlatformID {
    /// Matrix's channels: `data/channels/matrix/…`.
    package static let matrix = PlatformID("matrix")
}
