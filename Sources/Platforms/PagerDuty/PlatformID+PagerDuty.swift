import IncidentKit

extension PlatformID {
    /// PagerDuty's Events API, as a destination of delivery (never a chat channel).
    package static let pagerDuty = PlatformID("pagerduty")
}
