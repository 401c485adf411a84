import Foundation

/// Alerts, reports, paging and escalation: how an incident is detected and who is woken up.
extension Rules {
    /// Acts on a monitoring notification. One incident per alert group: a repeated notification updates it
    /// (without posts unless something changed), a group arriving while another incident is active is attached to
    /// it, and recovery is recorded (and resolves the incident when configured).
    mutating func intake(_ signal: AlertSignal) {
        if let incident = state.activeIncident {
            guard incident.alertKeys.contains(signal.key) else {
                if signal.isFiring {
                    emit(detected(signal), for: incident.id)
                    if let runbook = signal.runbook, incident.runbook == nil { emit(.runbookLinked(url: runbook), for: incident.id) }
                }
                return
            }
            if !signal.isFiring {
                guard !incident.recoveredAlertKeys.contains(signal.key) else { return }
                emit(.alertRecovered(key: signal.key), for: incident.id)
                let remaining = incident.alertKeys.filter { $0 != signal.key && !incident.recoveredAlertKeys.contains($0) }
                if configuration.alerts.autoResolve, remaining.isEmpty { emit(.resolved(rootCause: nil), for: incident.id) }
            } else if incident.alertCounts[signal.key] != AlertCount(firing: signal.firingCount, resolved: signal.resolvedCount) {
                emit(.alertsChanged(key: signal.key, firing: signal.firingCount, resolved: signal.resolvedCount), for: incident.id)
            }
            return
        }
        // A recovery for a group with no active incident (already resolved, or never seen) needs nothing.
        guard signal.isFiring else { return }
        let id = context.newIncidentID
        emit(.declared(title: signal.title, severity: signal.severity, impact: signal.summary, systems: signal.service.map { [$0] } ?? []), for: id)
        emit(detected(signal), for: id)
        // Before the page, so the page already carries it.
        if let runbook = signal.runbook { emit(.runbookLinked(url: runbook), for: id) }
        pageOrHold(for: id, severity: signal.severity)
    }

    /// The automatic first page of a new incident: now, or, for a severity handled in business hours, held until they
    /// begin (nobody is woken at 3 a.m. for a SEV3). A responder's `/incident escalate` always pages at once.
    mutating func pageOrHold(for id: IncidentID, severity: Severity) {
        guard let rotation = configuration.oncall.rotation(for: context.channel) else { return }
        let hours = configuration.businessHours.hours(for: rotation)
        let release = configuration.severities[severity].responseWindow.release(context.now, declaredAt: context.now, hours: hours)
        guard release > context.now else {
            page(from: 1, for: id)
            return
        }
        emit(.pageHeld(level: 1, until: release), for: id)
    }

    private func detected(_ signal: AlertSignal) -> IncidentEvent {
        .alertDetected(
            source: signal.source,
            key: signal.key,
            startedAt: signal.startedAt,
            labels: signal.labels,
            links: signal.links,
            firing: signal.firingCount
        )
    }

    /// Pages the on-call of the first level from `level` up that has someone; false when nobody could be paged.
    @discardableResult
    mutating func page(from level: Int, for incident: IncidentID) -> Bool {
        guard let rotation = configuration.oncall.rotation(for: context.channel) else { return false }
        for candidate in max(1, level)...4 {
            if let user = rotation.member(level: candidate, at: context.now) {
                emit(.paged(level: candidate, user: user, rotation: rotation.name), for: incident)
                return true
            }
        }
        return false
    }

    /// Fires the due timers of one incident, or of the channel itself (`nil`: handovers).
    mutating func fireTimers(of id: IncidentID?, planner: DeadlinePlanner) throws(CommandError) {
        let incident = id.flatMap { state.incidents[$0] }
        if id != nil, incident == nil { return }
        let deadlines = incident.map { planner.deadlines(for: $0, now: context.now, channel: context.channel) } ?? planner.channelDeadlines(in: state)
        for deadline in deadlines where deadline.fireAt <= context.now {
            switch deadline.kind {
            case .holdingUpdate:
                let next = incident.flatMap(planner.cadence).map { context.now.addingTimeInterval($0.timeInterval) }
                emit(.holdingUpdatePosted(due: deadline.due, nextUpdateAt: next), for: id)
            case .archiveWarRoom:
                emit(.warRoomArchived, for: id)
            case .heldPage(let level):
                // Business hours have begun: page whoever is on call now; with nobody to page, say so once.
                if !(id.map { page(from: level, for: $0) } ?? false) {
                    emit(.reminderSent(kind: deadline.kind, due: deadline.due), for: id)
                }
            case .acknowledgeDeadline(let level):
                // Nobody acknowledged: page the next level; past the top, tell the whole channel once.
                if level >= 4 || !(id.map { page(from: level + 1, for: $0) } ?? false) {
                    emit(.reminderSent(kind: deadline.kind, due: deadline.due), for: id)
                }
            default:
                emit(.reminderSent(kind: deadline.kind, due: deadline.due), for: id)
            }
        }
    }

    /// An open report by number, or a refusal that says what is there.
    func openReport(_ number: Int) throws(CommandError) -> CustomerReport {
        guard let report = state.reports.first(where: { $0.number == number }) else {
            throw CommandError("There is no report \(number) in this channel; see them with /incident reports.")
        }
        guard report.state == .open else { throw CommandError("Report \(number) was already handled.") }
        return report
    }
}
