import Foundation

/// Response times measured from an incident's events.
public struct ResponseMetrics: Equatable, Sendable {
    /// From detection to the first acknowledgement.
    public var timeToAcknowledge: TimeSpan?
    /// From detection to mitigation (to resolution when it was never marked mitigated separately).
    public var timeToMitigate: TimeSpan?
    /// From detection to resolution.
    public var timeToResolve: TimeSpan?
    /// From declaration to resolution: what stakeholders see as the incident's duration.
    public var duration: TimeSpan?

    public init(incident: Incident) {
        let start = incident.detectedAt
        timeToAcknowledge = incident.acknowledgedAt.map { TimeSpan.between(start, $0) }
        timeToMitigate = incident.mitigatedAt.map { TimeSpan.between(start, $0) }
        timeToResolve = incident.resolvedAt.map { TimeSpan.between(start, $0) }
        duration = incident.resolvedAt.map { TimeSpan.between(incident.declaredAt, $0) }
    }
}
