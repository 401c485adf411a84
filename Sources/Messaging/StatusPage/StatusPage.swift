import Foundation
import IncidentKit

/// What the public status page shows: the stakeholder-facing part of every visible incident, nothing internal.
/// Its JSON form is served at `/status.json`.
public struct StatusPage: Codable, Sendable, Equatable {
    public var title: String
    public var generatedAt: Date
    /// "operational", or the worst severity of the active incidents ("sev1" … "sev4").
    public var overall: String
    /// Active incidents, most severe first, then the most recent.
    public var active: [StatusIncident]
    /// One entry a day, oldest first, ending today (UTC).
    public var history: [StatusDay]
    /// Incidents resolved within the history window, most recent first.
    public var resolved: [StatusIncident]
}

/// One incident as stakeholders see it.
public struct StatusIncident: Codable, Sendable, Equatable {
    public var id: String
    public var title: String
    /// "sev1" … "sev4".
    public var severity: String
    /// "Critical", "High", …
    public var severityLabel: String
    /// "investigating", "identified", "mitigating", "monitoring" or "resolved".
    public var status: String
    public var impact: String?
    public var systems: [String]
    public var declaredAt: Date
    public var resolvedAt: Date?
    /// When the next Status Update is due, while the incident is active and updates are scheduled.
    public var nextUpdateAt: Date?
    /// Stakeholder-facing entries, newest first.
    public var updates: [StatusEntry]
}

/// One stakeholder-facing entry of an incident's history.
public struct StatusEntry: Codable, Sendable, Equatable {
    public var at: Date
    /// "Investigating", "Update", "Identified", "Mitigated", "Resolved", …
    public var label: String
    public var text: String
}

/// One day of the history bar.
public struct StatusDay: Codable, Sendable, Equatable {
    /// "YYYY-MM-DD" (UTC).
    public var date: String
    /// The worst severity of an incident active that day, or nil for a quiet day.
    public var worstSeverity: String?
    /// The ids of the incidents active that day.
    public var incidents: [String]
}

/// What the operator chooses about the status page.
public struct StatusPageSettings: Sendable, Equatable {
    public var title = "Service status"
    /// Incidents of these severities appear (DESIGN.md: SEV4 is "ticket only").
    public var severities: Set<Severity> = [.sev1, .sev2, .sev3]
    public var historyDays = 90

    public init() {}
}
