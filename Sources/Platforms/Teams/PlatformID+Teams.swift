import IncidentKit

extension PlatformID {
    /// Microsoft Teams' conversations: `data/channels/teams/<tenant>/<conversation>…`.
    package static let teams = PlatformID("teams")
}
