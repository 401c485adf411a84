import Foundation
import IncidentKit

/// Builds the status page from incidents and their events, keeping only what stakeholders are told:
/// notes, action items, roles, reminders and lessons never appear, nor do private incidents.
package struct StatusPageBuilder: Sendable {
    package let settings: StatusPageSettings
    package let configuration: EngineConfiguration

    package init(settings: StatusPageSettings, configuration: EngineConfiguration) {
        self.settings = settings
        self.configuration = configuration
    }

    /// Whether `incident` may appear on the page at all.
    package func isVisible(_ incident: Incident) -> Bool {
        !incident.isPrivate && settings.severities.contains(incident.severity)
    }

    /// Whether `incident` belongs on the page built at `now`: active, or resolved within the history window.
    package func isShown(_ incident: Incident, now: Date) -> Bool {
        guard isVisible(incident) else { return false }
        guard let resolvedAt = incident.resolvedAt else { return true }
        return resolvedAt >= windowStart(now: now)
    }

    /// The first instant of the history window.
    package func windowStart(now: Date) -> Date {
        CalendarDate(containing: now).startOfDay.addingTimeInterval(-TimeInterval((settings.historyDays - 1) * 86400))
    }

    /// - Parameter incidents: incidents with their own events, as `isShown` selected them.
    package func build(_ incidents: [(Incident, [EventRecord])], now: Date) -> StatusPage {
        let shown = incidents.filter { isShown($0.0, now: now) }
        let active = shown.filter { $0.0.isActive }
            .sorted {
                ($0.0.severity.rawValue, -$0.0.declaredAt.timeIntervalSince1970) < ($1.0.severity.rawValue, -$1.0.declaredAt.timeIntervalSince1970)
            }
        let resolved = shown.filter { !$0.0.isActive }.sorted { $0.0.resolvedAt! > $1.0.resolvedAt! }
        return StatusPage(
            title: settings.title,
            generatedAt: now,
            overall: active.first.map { Self.slug($0.0.severity) } ?? "operational",
            active: active.map { incident($0.0, records: $0.1) },
            history: history(shown.map(\.0), now: now),
            resolved: resolved.map { incident($0.0, records: $0.1) }
        )
    }

    /// One incident's page entry.
    package func incident(_ incident: Incident, records: [EventRecord]) -> StatusIncident {
        let planner = DeadlinePlanner(configuration: configuration)
        return StatusIncident(
            id: incident.id.description,
            title: incident.title,
            severity: Self.slug(incident.severity),
            severityLabel: configuration.severities[incident.severity].label,
            status: incident.status.rawValue,
            impact: incident.impact,
            systems: incident.systems,
            declaredAt: incident.declaredAt,
            resolvedAt: incident.resolvedAt,
            nextUpdateAt: incident.reminders == .off ? nil : planner.nextUpdateDue(for: incident),
            updates: records.filter { $0.incident == incident.id }.compactMap(entry).reversed()
        )
    }

    /// What the page reads of an incident (besides its stakeholder-facing events): a commit that leaves every
    /// incident's face as it was and adds no stakeholder-facing event leaves the page as it was (a note, a role, an
    /// action item), so a cached page stays valid.
    package struct Face: Equatable, Sendable {
        let title: String
        let severity: Severity
        let status: IncidentStatus
        let impact: String?
        let systems: [String]
        let declaredAt: Date
        let resolvedAt: Date?
        let isPrivate: Bool
        /// What the next update's due time is derived from.
        let reminders: ReminderSetting
        let updateClockStart: Date
        let promisedNextUpdate: Date?
        let cadenceChangedAt: Date?

        package init(_ incident: Incident) {
            title = incident.title
            severity = incident.severity
            status = incident.status
            impact = incident.impact
            systems = incident.systems
            declaredAt = incident.declaredAt
            resolvedAt = incident.resolvedAt
            isPrivate = incident.isPrivate
            reminders = incident.reminders
            updateClockStart = incident.updateClockStart
            promisedNextUpdate = incident.promisedNextUpdate
            cadenceChangedAt = incident.cadenceChangedAt
        }
    }

    /// Whether an event can appear on the page (as one of an incident's updates).
    package static func isStakeholderFacing(_ event: IncidentEvent) -> Bool {
        switch event {
        case .declared, .severityChanged, .statusChanged, .impactSet, .updatePosted, .holdingUpdatePosted, .mitigated, .resolved, .reopened:
            true
        default:
            false
        }
    }

    /// "sev1" … "sev4", as the page's JSON and CSS classes name severities.
    static func slug(_ severity: Severity) -> String { "sev\(severity.rawValue)" }

    private func entry(_ record: EventRecord) -> StatusEntry? {
        let severities = configuration.severities
        switch record.event {
        case .declared(let title, let severity, let impact, _):
            return StatusEntry(
                at: record.at,
                label: "Investigating",
                text: "We are investigating: \(title) (\(severity), \(severities[severity].label))." + (impact.map { " Impact: \($0)" } ?? "")
            )
        case .severityChanged(_, let to, _):
            return StatusEntry(at: record.at, label: "Update", text: "Severity changed to \(to) (\(severities[to].label)).")
        case .statusChanged(_, let to):
            return StatusEntry(at: record.at, label: to.title, text: "Status: \(to.stakeholderPhrase).")
        case .impactSet(let text):
            return StatusEntry(at: record.at, label: "Update", text: "Impact: \(text)")
        case .updatePosted(let text, _, _):
            return StatusEntry(at: record.at, label: "Update", text: text)
        case .holdingUpdatePosted(_, let next):
            return StatusEntry(
                at: record.at,
                label: "Update",
                text: "We are still working on this." + (next.map { " Next update by \(UTC.minute($0))." } ?? "")
            )
        case .mitigated:
            return StatusEntry(at: record.at, label: "Mitigated", text: "The impact has been mitigated; we are monitoring.")
        case .resolved:
            return StatusEntry(at: record.at, label: "Resolved", text: "This incident has been resolved.")
        case .reopened:
            return StatusEntry(at: record.at, label: "Investigating", text: "The problem is back; we are investigating again.")
        default:
            return nil
        }
    }

    private func history(_ incidents: [Incident], now: Date) -> [StatusDay] {
        let start = windowStart(now: now)
        return (0..<settings.historyDays).map { offset in
            let dayStart = start.addingTimeInterval(TimeInterval(offset * 86400))
            let dayEnd = dayStart.addingTimeInterval(86400)
            let that = incidents.filter { $0.declaredAt < dayEnd && ($0.resolvedAt ?? now) >= dayStart }
                .sorted { $0.severity.rawValue < $1.severity.rawValue }
            return StatusDay(
                date: CalendarDate(containing: dayStart).description,
                worstSeverity: that.first.map { Self.slug($0.severity) },
                incidents: that.map(\.id.description)
            )
        }
    }
}
