import Foundation
import IncidentKit

/// The next reminder an incident owes, with the working hours that may have held it.
package struct NextReminder: Sendable {
    package var deadline: Deadline
    package var hours: WorkingHours

    package init(deadline: Deadline, hours: WorkingHours) {
        self.deadline = deadline
        self.hours = hours
    }

    /// "Next reminder: Status Update due, 2026-11-18 11:36 UTC", or for a held one the team's local time and why:
    /// "Next reminder: Status Update due, Monday 2026-11-23 09:00 Europe/Berlin (held: SEV3 is handled in business
    /// hours, Mon–Fri 09:00–17:00 Europe/Berlin)".
    func line(severity: Severity, window: ResponseWindow) -> String {
        let what = deadline.kind.summary.prefix(1).uppercased() + deadline.kind.summary.dropFirst()
        guard deadline.heldFrom != nil else { return "Next reminder: \(what), \(UTC.minute(deadline.fireAt))" }
        return "Next reminder: \(what), \(hours.local(deadline.fireAt)) (held: \(severity) is handled \(window.phrase), \(hours.description))"
    }
}

/// Renders the read-only views a responder asks for: help, summary, timeline, actions.
package struct ViewRenderer: Sendable {
    package let engine: EngineConfiguration
    package let runbooks: Runbooks
    private var severities: SeverityPolicyTable { engine.severities }

    package init(engine: EngineConfiguration = .standard, runbooks: Runbooks = Runbooks()) {
        self.engine = engine
        self.runbooks = runbooks
    }

    /// The verb list, or one verb's usage, explanation and example.
    package func help(verb: String?, markup: Markup) -> String {
        if let verb, let spec = VerbCatalog.spec(named: verb) {
            var lines = ["Usage: \(spec.usage)", spec.summary, "Example: \(spec.example)"]
            if !spec.aliases.isEmpty { lines.append("Also: \(spec.aliases.joined(separator: ", "))") }
            return markup.finish(markup.escape(lines.joined(separator: "\n")))
        }
        let lines =
            ["Firebell commands (/incident or /inc):"] + VerbCatalog.verbs.map { "\($0.usage)  (\($0.summary))" }
            + ["Details: /incident help <verb>"]
        return markup.finish(markup.escape(lines.joined(separator: "\n")))
    }

    /// The one-screen view for someone joining late, in `channel`; `next` is the incident's next reminder, if one is
    /// pending.
    package func summary(
        _ incident: Incident,
        names: PeopleNames = PeopleNames(),
        markup: Markup,
        channel: ChannelRef? = nil,
        next: NextReminder? = nil
    ) -> String {
        var lines = [
            "\(incident.id): \(incident.title)",
            "Severity: \(incident.severity) (\(severities[incident.severity].label))",
            "Status: \(incident.status.title)",
            "Impact: \(incident.impact ?? "not yet assessed")",
        ]
        if !incident.systems.isEmpty { lines.append("Affected systems: \(incident.systems.joined(separator: ", "))") }
        if let runbook = runbooks.runbook(for: incident) { lines.append("Runbook: \(runbook)") }
        for role in Role.allCases {
            lines.append("\(role.title): \(incident.roles[role].map(names.name) ?? "not assigned")")
        }
        lines.append("Declared: \(UTC.minute(incident.declaredAt)) by \(names.name(incident.declaredBy))")
        if let at = incident.acknowledgedAt { lines.append("Acknowledged: \(UTC.minute(at))") }
        if let at = incident.mitigatedAt { lines.append("Mitigated: \(UTC.minute(at))") }
        if let at = incident.resolvedAt { lines.append("Resolved: \(UTC.minute(at))") }
        if let update = incident.lastUpdate {
            lines.append("Last update (\(UTC.minute(update.postedAt))): \(update.text)")
        } else {
            lines.append("Last update: none yet")
        }
        if incident.reminders != .off,
            let next = DeadlinePlanner(configuration: engine).nextUpdateDue(for: incident, channel: channel)
        {
            lines.append("Next update due: \(UTC.minute(next))")
        }
        if let eta = incident.eta, incident.isActive { lines.append("ETA: \(UTC.minute(eta))") }
        if let next { lines.append(next.line(severity: incident.severity, window: severities[incident.severity].responseWindow)) }
        let open = incident.openActionItems
        lines.append(open.isEmpty ? "Open action items: none" : "Open action items:")
        lines += open.map { "  " + ActionItemFormatter.line($0, names: names) }
        return markup.finish(markup.escape(lines.joined(separator: "\n")))
    }

    /// Every event of the incident, oldest first, with UTC times.
    package func timeline(_ incident: Incident, records: [EventRecord], names: PeopleNames = PeopleNames(), markup: Markup) -> String {
        let entries = records.filter { $0.incident == incident.id }
        let lines =
            ["Timeline of \(incident.id): \(incident.title) (times UTC)"]
            + entries.map { "\(UTC.minute($0.at).dropLast(4))  \(EventDescriber.describe($0, names: names))" }
        return markup.finish(markup.escape(lines.joined(separator: "\n")))
    }

    package func actions(_ incident: Incident, names: PeopleNames = PeopleNames(), markup: Markup) -> String {
        guard !incident.actionItems.isEmpty else {
            return markup.finish(markup.escape("\(incident.id) has no action items. Add one with /incident action add <text> @owner due: YYYY-MM-DD"))
        }
        let lines = ["Action items of \(incident.id):"] + incident.actionItems.map { "  " + ActionItemFormatter.line($0, names: names) }
        return markup.finish(markup.escape(lines.joined(separator: "\n")))
    }

    /// Who is on call now and next at each level of the channel's rotation.
    package func oncall(rotation: Rotation?, now: Date, markup: Markup) -> String {
        guard let rotation else {
            return markup.finish(
                markup.escape("No on-call rotation covers this channel. Rotations are set in firebell.yaml under 'oncall_rotations'.")
            )
        }
        let handoff = String(format: "%02d:%02d", rotation.handoffHour, rotation.handoffMinute)
        var lines = ["On call for \(rotation.name) (\(rotation.length.rawValue) shifts, hand-off \(handoff) \(rotation.timeZone.identifier)):"]
        let titles = ["L1 on-call engineer", "L2 senior engineer / team lead", "L3 engineering manager", "L4 director"]
        for level in 1...4 {
            guard let current = rotation.member(level: level, at: now) else { continue }
            var line = "  \(titles[level - 1]): \(current)"
            if let next = rotation.next(level: level, after: now), next.user != current {
                line += ", next \(next.user) from \(UTC.minute(next.from))"
            }
            lines.append(line)
        }
        return markup.finish(markup.escape(lines.joined(separator: "\n")))
    }

    /// The channel's customer reports still waiting for triage.
    package func reports(_ reports: [CustomerReport], markup: Markup) -> String {
        let open = reports.filter { $0.state == .open }
        guard !open.isEmpty else { return markup.finish(markup.escape("No open reports in this channel.")) }
        let lines =
            ["Open reports (declare one with /incident declare <sev> from: <n>, or /incident dismiss <n> [reason]):"]
            + open.map { "  \($0.number). \($0.text) (by \($0.by), \(UTC.minute($0.at)))" }
        return markup.finish(markup.escape(lines.joined(separator: "\n")))
    }
}
