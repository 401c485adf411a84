import IncidentKit

extension PlatformID {
    /// Matrix's channels: `data/channels/matrix/…`.
    public static let matrix = PlatformID("matrix")
}
