import Foundation
import IncidentKit

/// Renders channel posts (Initial Alert, Status Update, Resolution, notices) for one platform's markup.
package struct MessageRenderer: Sendable {
    package let templates: TemplateLibrary
    package let severities: SeverityPolicyTable
    package let oncall: OnCallPolicy
    package let runbooks: Runbooks
    package let briefings: RoleBriefings
    /// Says when the next update is due, for the Initial Alert's "Next Update" line.
    private let planner: DeadlinePlanner

    package init(
        templates: TemplateLibrary,
        severities: SeverityPolicyTable = .standard,
        oncall: OnCallPolicy = OnCallPolicy(),
        runbooks: Runbooks = Runbooks(),
        briefings: RoleBriefings = .standard,
        businessHours: BusinessHoursPolicy = BusinessHoursPolicy()
    ) {
        self.templates = templates
        self.severities = severities
        self.oncall = oncall
        self.runbooks = runbooks
        self.briefings = briefings
        var engine = EngineConfiguration(severities: severities)
        engine.oncall = oncall
        engine.businessHours = businessHours
        planner = DeadlinePlanner(configuration: engine)
    }

    /// The text of `post`, read from `state` after the events that implied it were applied; `channel` is the
    /// incident's (whose working hours may hold its next update).
    package func render(_ post: ChannelPost, state: ChannelState, markup: Markup, channel: ChannelRef? = nil) -> String {
        switch post {
        case .initialAlert(let id):
            guard let incident = state.incidents[id] else { return "" }
            return templates.render("initial-alert", values: initialAlertValues(incident, markup, channel: channel), markup: markup)
        case .statusUpdate(let id):
            guard let incident = state.incidents[id] else { return "" }
            return templates.render("status-update", values: statusUpdateValues(incident, markup), markup: markup)
        case .resolution(let id):
            guard let incident = state.incidents[id] else { return "" }
            return templates.render("resolution", values: resolutionValues(incident, markup, names: state.people), markup: markup)
        case .reminder(let record):
            guard let id = record.incident, let incident = state.incidents[id] else { return "" }
            return markup.finish(ReminderWriter(severities: severities, markup: markup).text(for: record, incident: incident))
        case .holdingUpdate(let record):
            guard let id = record.incident, let incident = state.incidents[id] else { return "" }
            return templates.render("holding-update", values: holdingValues(incident, record, markup), markup: markup)
        case .page(let record):
            guard let id = record.incident, let incident = state.incidents[id] else { return "" }
            var text = onCall(markup).page(record, incident: incident)
            if let runbook = runbooks.runbook(for: incident) { text += "\nRunbook: \(markup.link(runbook))" }
            return markup.finish(text)
        case .recovery(let record):
            guard let id = record.incident, let incident = state.incidents[id] else { return "" }
            return markup.finish(onCall(markup).recovery(record, incident: incident))
        case .handover(let record):
            return markup.finish(onCall(markup).handover(record, state: state))
        case .briefing(let record):
            guard let id = record.incident, let incident = state.incidents[id] else { return "" }
            return markup.finish(briefing(record, incident: incident, markup: markup))
        case .notice(let record) where record.isWarRoomLink:
            guard case .warRoomOpened(let room, let name) = record.event, let id = record.incident else { return "" }
            let title =
                state.warRooms.last { $0.request.incident == id }.map { " (\($0.request.severity): \(markup.inline($0.request.title)))" } ?? ""
            return markup.finish("🚨 \(id)\(title) runs in its own channel: \(markup.channelLink(room, name: name)). Join it there.")
        case .notice(let record):
            let prefix = record.incident.map { "\($0): " } ?? ""
            return markup.finish(markup.lines(prefix + EventDescriber.describe(record, names: state.people)))
        }
    }

    /// "📋 @bob, you are the Scribe of INC-… (SEV1: …). The role in short:" and the role's checklist, one item a line.
    func briefing(_ record: EventRecord, incident: Incident, markup: Markup) -> String {
        guard case .roleAssigned(let role, let user, _) = record.event else { return "" }
        let items = briefings.checklist(for: role).map { "• " + markup.inline($0) }
        let headline = "\(incident.id) (\(incident.severity): \(markup.inline(incident.title)))"
        return (["📋 \(markup.mention(user)), you are the \(role.title) of \(headline). The role in short:"] + items).joined(separator: "\n")
    }

    private func onCall(_ markup: Markup) -> OnCallWriter { OnCallWriter(markup: markup, oncall: oncall) }

    /// "will post every 30 min", or why there are none.
    package func updatesPhrase(for severity: Severity) -> String {
        guard let cadence = severities[severity].updateCadence else { return "no scheduled updates for \(severity)" }
        return "will post every \(cadence.spoken)"
    }

    private func common(_ incident: Incident, _ markup: Markup) -> [String: Any] {
        ["id": incident.id.description, "title": markup.inline(incident.title)]
    }

    func initialAlertValues(_ incident: Incident, _ markup: Markup, channel: ChannelRef? = nil) -> [String: Any] {
        var values = common(incident, markup)
        values["severity"] = incident.severity.description
        values["severityLabel"] = markup.inline(severities[incident.severity].label)
        values["status"] = incident.status.title
        values["impact"] = incident.impact.map(markup.inline) ?? "not yet assessed"
        if !incident.systems.isEmpty { values["systems"] = markup.inline(incident.systems.joined(separator: ", ")) }
        if let runbook = runbooks.runbook(for: incident) { values["runbook"] = markup.link(runbook) }
        values["commander"] =
            incident.roles[.ic].map(markup.mention)
            ?? "not yet assigned (take it with /incident role ic @you)"
        values["updates"] = markup.escape(updatesPhrase(for: incident.severity))
        if let detection = incident.detection {
            values["detected"] =
                "auto-detected by \(markup.inline(detection.source)) at \(markup.time(detection.detectedAt))"
                + (detection.startedAt.map { " (failing since \(markup.time($0)))" } ?? "") + "; severity suggested from its labels"
        }
        if incident.status == .resolved {
            values["nextUpdate"] = "none (resolved)"
        } else if let due = planner.nextUpdateDue(for: incident, channel: channel) {
            values["nextUpdate"] = markup.time(due)
        }
        return values
    }

    func statusUpdateValues(_ incident: Incident, _ markup: Markup) -> [String: Any] {
        var values = common(incident, markup)
        values["status"] = incident.status.stakeholderPhrase
        values["update"] = incident.lastUpdate.map { markup.lines($0.text) } ?? ""
        values["nextUpdate"] = incident.lastUpdate?.nextUpdateAt.map { markup.time($0) } ?? "none scheduled (\(incident.severity))"
        if let eta = incident.eta { values["eta"] = markup.time(eta) }
        return values
    }

    func holdingValues(_ incident: Incident, _ record: EventRecord, _ markup: Markup) -> [String: Any] {
        var values = common(incident, markup)
        values["status"] = incident.status.stakeholderPhrase
        values["currentStatus"] = incident.status.title
        values["since"] = markup.time(incident.lastUpdate?.postedAt ?? incident.declaredAt)
        let next: Date? = if case .holdingUpdatePosted(_, let next) = record.event { next } else { nil }
        values["nextUpdate"] = next.map { markup.time($0) } ?? "none scheduled (\(incident.severity))"
        values["nextUpdateClock"] = next.map { markup.time($0, clockOnly: true) } ?? "the IC's next post"
        return values
    }

    func resolutionValues(_ incident: Incident, _ markup: Markup, names: PeopleNames = PeopleNames()) -> [String: Any] {
        var values = common(incident, markup)
        let metrics = ResponseMetrics(incident: incident)
        let resolvedAt = incident.resolvedAt ?? incident.declaredAt
        values["duration"] =
            "\(metrics.duration?.spoken ?? "0 min") (declared \(markup.time(incident.declaredAt)), resolved \(markup.time(resolvedAt)))"
        values["rootCause"] = incident.rootCause.map(markup.inline) ?? "not yet determined; it will be in the postmortem"
        let items = incident.actionItems.map { markup.inline(ActionItemFormatter.line($0, names: names)) }
        let open = incident.openActionItems.count
        values["actionSummary"] = items.isEmpty ? "none recorded" : "\(items.count) recorded, \(open) open"
        values["actionItems"] = items
        return values
    }
}

/// One line per action item, the same wherever items are listed.
package enum ActionItemFormatter {
    package static func line(_ item: ActionItem, names: PeopleNames = PeopleNames()) -> String {
        var line = "\(item.number). \(item.text) (owner \(names.name(item.owner))"
        if let due = item.due { line += ", due \(due)" }
        line += item.isDone ? ", done)" : ")"
        if let tracker = item.tracker {
            line += " → \(tracker.key) \(tracker.url)"
        } else if item.trackerRefusal != nil {
            line += " → not in the tracker (it refused)"
        }
        return line
    }
}
