import Foundation
import IncidentKit

/// What the public status page shows: the stakeholder-facing part of every visible incident, nothing internal.
/// Its JSON form is served at `/status.json`.
package struct StatusPage: Codable, Sendable, Equatable {
    package var title: String
    package var generatedAt: Date
    /// "operational", or the worst severity of the active incidents ("sev1" … "sev4").
    package var overall: String
    /// Active incidents, most severe first, then the most recent.
    package var active: [StatusIncident]
    /// One entry a day, oldest first, ending today (UTC).
    package var history: [StatusDay]
    /// Incidents resolved within the history window, most recent first.
    package var resolved: [StatusIncident]
}

/// One incident as stakeholders see it.
package struct StatusIncident: Codable, Sendable, Equatable {
    package var id: String
    package var title: String
    /// "sev1" … "sev4".
    package var severity: String
    /// "Critical", "High", …
    package var severityLabel: String
    /// "investigating", "identified", "mitigating", "monitoring" or "resolved".
    package var status: String
    package var impact: String?
    package var systems: [String]
    package var declaredAt: Date
    package var resolvedAt: Date?
    /// When the next Status Update is due, while the incident is active and updates are scheduled.
    package var nextUpdateAt: Date?
    /// Stakeholder-facing entries, newest first.
    package var updates: [StatusEntry]
}

/// One stakeholder-facing entry of an incident's history.
package struct StatusEntry: Codable, Sendable, Equatable {
    package var at: Date
    /// "Investigating", "Update", "Identified", "Mitigated", "Resolved", …
    package var label: String
    package var text: String
}

/// One day of the history bar.
package struct StatusDay: Codable, Sendable, Equatable {
    /// "YYYY-MM-DD" (UTC).
    package var date: String
    /// The worst severity of an incident active that day, or nil for a quiet day.
    package var worstSeverity: String?
    /// The ids of the incidents active that day.
    package var incidents: [String]
}

/// What the operator chooses about the status page.
package struct StatusPageSettings: Sendable, Equatable {
    package var title = "Service status"
    /// Incidents of these severities appear (DESIGN.md: SEV4 is "ticket only").
    package var severities: Set<Severity> = [.sev1, .sev2, .sev3]
    package var historyDays = 90
    /// The longest history the page can be configured to show.
    package static let longestHistoryDays = 366

    package init() {}
}
