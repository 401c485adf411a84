import Foundation

/// Response times measured from an incident's events.
package struct ResponseMetrics: Equatable, Sendable {
    /// From detection to the first acknowledgement.
    package var timeToAcknowledge: TimeSpan?
    /// From detection to mitigation (to resolution when it was never marked mitigated separately).
    package var timeToMitigate: TimeSpan?
    /// From detection to resolution.
    package var timeToResolve: TimeSpan?
    /// From declaration to resolution: what stakeholders see as the incident's duration.
    package var duration: TimeSpan?

    package init(incident: Incident) {
        let start = incident.detectedAt
        timeToAcknowledge = incident.acknowledgedAt.map { TimeSpan.between(start, $0) }
        timeToMitigate = incident.mitigatedAt.map { TimeSpan.between(start, $0) }
        timeToResolve = incident.resolvedAt.map { TimeSpan.between(start, $0) }
        duration = incident.resolvedAt.map { TimeSpan.between(incident.declaredAt, $0) }
    }
}
