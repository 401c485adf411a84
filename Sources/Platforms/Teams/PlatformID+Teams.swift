import IncidentKit

extension PlatformID {
    /// Microsoft Teams' conversations: `data/channels/teams/<tenant>/<conversation>…`.
    public static let teams = PlatformID("teams")
}
