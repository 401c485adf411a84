import IncidentKit

/// Platform ids as the platforms declare them; the core itself knows none by name.
extension PlatformID {
    static let slack = PlatformID("slack")
    static let mattermost = PlatformID("mattermost")
    static let console = PlatformID("console")
    static let matrix = PlatformID("matrix")
}
