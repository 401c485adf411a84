import Foundation

/// Derives every timer an incident owes from its state: nothing is stored as a free-floating job.
/// Fired timers are events too, so a deadline disappears once its reminder is in the log.
package struct DeadlinePlanner: Sendable {
    package let configuration: EngineConfiguration

    package init(configuration: EngineConfiguration = .standard) { self.configuration = configuration }

    /// The pending deadlines of every incident in `channel`, as they stand at `now`.
    package func deadlines(in state: ChannelState, now: Date, channel: ChannelRef? = nil) -> [Deadline] {
        state.order.compactMap { state.incidents[$0] }.flatMap { deadlines(for: $0, now: now, channel: channel) } + channelDeadlines(in: state)
    }

    /// Timers of the channel itself: reminders of an unacknowledged handover.
    package func channelDeadlines(in state: ChannelState) -> [Deadline] {
        let oncall = configuration.oncall
        guard let handover = state.handover, handover.acknowledgedAt == nil, handover.remindersSent < oncall.handoverReminderLimit else { return [] }
        let reminder = handover.remindersSent + 1
        let due = handover.at.addingTimeInterval(oncall.handoverReminderEvery.timeInterval * Double(reminder))
        return [Deadline(incident: nil, kind: .handoverUnacknowledged(reminder: reminder), due: due)]
    }

    /// The earliest moment anything in the channel fires, if anything is pending.
    package func earliest(in state: ChannelState, now: Date, channel: ChannelRef? = nil) -> Date? {
        deadlines(in: state, now: now, channel: channel).map(\.fireAt).min()
    }

    /// The pending deadlines of one incident in `channel`. Stages of the update clock that were all missed
    /// (downtime, a stalled process) are coalesced: only the most advanced stage due by `now` is pending.
    /// A severity handled in business hours has its deadlines moved to when the channel's working hours are open.
    package func deadlines(for incident: Incident, now: Date, channel: ChannelRef? = nil) -> [Deadline] {
        let window = window(for: incident, in: channel)
        var result: [Deadline] = []
        if incident.isActive {
            result += updateClock(incident, now: now, window: window)
            if let deadline = commanderNudge(incident) { result.append(deadline) }
            if let deadline = acknowledgeDeadline(incident) { result.append(deadline) }
            if let held = incident.heldPage, incident.acknowledgedAt == nil {
                result.append(Deadline(incident: incident.id, kind: .heldPage(level: held.level), due: held.until))
            }
            if incident.firedTimers[.targetResolution] == nil {
                let due = incident.declaredAt.addingTimeInterval(policy(incident).targetResolution.timeInterval)
                result.append(snoozable(window.hold(Deadline(incident: incident.id, kind: .targetResolution, due: due)), incident))
            }
        } else if let resolvedAt = incident.resolvedAt, let room = incident.warRoom, !room.archived,
            let after = configuration.warRooms.archiveAfter
        {
            result.append(Deadline(incident: incident.id, kind: .archiveWarRoom, due: resolvedAt.addingTimeInterval(after.timeInterval)))
        }
        if !incident.isActive, let resolvedAt = incident.resolvedAt, !incident.hasPostmortemDraft,
            let after = configuration.reminders.postmortemReminderAfter, incident.firedTimers[.postmortemDue] == nil
        {
            result.append(Deadline(incident: incident.id, kind: .postmortemDue, due: resolvedAt.addingTimeInterval(after.timeInterval)))
        }
        result += actionItems(incident, now: now)
        // The update clock holds its own stages (each after the last); everything else is held here.
        return result.map { $0.kind.updateStageRank == nil ? window.hold($0) : $0 }
    }

    /// The response window of the incident's severity, with the channel's working hours only where it needs them
    /// (every re-plan of every SEV1 and SEV2 passes here and needs none).
    private func window(for incident: Incident, in channel: ChannelRef?) -> Window {
        let response = policy(incident).responseWindow
        let hours = response == .always ? WorkingHours() : configuration.workingHours(in: channel)
        return Window(response, incident: incident, hours: hours)
    }

    /// When an incident's deadlines may fire: its severity's response window in the channel's working hours.
    /// A held deadline's due time moves to the opening, so the reminder reads as due then (not as late).
    struct Window {
        let window: ResponseWindow
        let declaredAt: Date
        let hours: WorkingHours

        init(_ window: ResponseWindow, incident: Incident, hours: WorkingHours) {
            self.window = window
            self.declaredAt = incident.declaredAt
            self.hours = hours
        }

        func release(_ date: Date) -> Date { window.release(date, declaredAt: declaredAt, hours: hours) }

        func hold(_ deadline: Deadline) -> Deadline {
            let due = release(deadline.due)
            guard due != deadline.due else { return deadline }
            return Deadline(incident: deadline.incident, kind: deadline.kind, due: due, fireAt: max(due, deadline.fireAt), heldFrom: deadline.due)
        }
    }

    /// When the next Status Update is due, or nil when none is expected: by the cadence, held for business hours
    /// when the severity is handled in them (in `channel`'s working hours; without a channel, the default
    /// rotation's or the team's).
    package func nextUpdateDue(for incident: Incident, channel: ChannelRef? = nil) -> Date? {
        let window = window(for: incident, in: channel)
        return cadenceDue(for: incident).map(window.release)
    }

    /// When the next Status Update is due by the cadence alone. After a change of severity or reminder interval it
    /// is re-derived from the last update with the new cadence, and is due at once (not earlier) when that time has
    /// already passed.
    private func cadenceDue(for incident: Incident) -> Date? {
        guard incident.isActive else { return nil }
        guard let changedAt = incident.cadenceChangedAt else {
            if let promised = incident.promisedNextUpdate { return promised }
            return cadence(incident).map { incident.updateClockStart.addingTimeInterval($0.timeInterval) }
        }
        guard let cadence = cadence(incident) else { return nil }
        return max(incident.updateClockStart.addingTimeInterval(cadence.timeInterval), changedAt)
    }

    /// The interval between updates in force for the incident: its reminder setting, else its severity's cadence.
    package func cadence(_ incident: Incident) -> TimeSpan? {
        switch incident.reminders {
        case .off: nil
        case .every(let interval): interval
        case .cadence: policy(incident).updateCadence
        }
    }

    private func policy(_ incident: Incident) -> SeverityPolicy { configuration.severities[incident.severity] }

    private func updateClock(_ incident: Incident, now: Date, window: Window) -> [Deadline] {
        guard incident.reminders != .off, let ruleDue = cadenceDue(for: incident) else { return [] }
        let interval = cadence(incident) ?? TimeSpan.between(incident.updateClockStart, ruleDue)
        let policy = policy(incident)
        // Outside the severity's working hours the clock waits: the first stage is due at the opening, and each
        // later stage its usual gap after the one before (held again if that falls outside).
        let due = window.release(ruleDue)
        let nudge = policy.nudgeAfter ?? TimeSpan(seconds: interval.seconds / 2)
        let nudgeAt = window.release(due.addingTimeInterval(nudge.timeInterval))
        let holdingGap = (policy.holdingAfter ?? interval).timeInterval - nudge.timeInterval
        var stages: [(TimerKind, Date)] = []
        if TimeSpan.between(incident.updateClockStart, ruleDue) >= configuration.reminders.quietAfterUpdate {
            stages.append((.updateDue, due))
        }
        stages.append((.updateNudge, nudgeAt))
        if policy.holdingPost {
            stages.append((.holdingUpdate, window.release(nudgeAt.addingTimeInterval(max(0, holdingGap)))))
        }
        // A fired stage counts for this due time only if it fired at this stage's time.
        let firedRank =
            incident.firedUpdateStage.flatMap { fired in
                stages.contains { $0.0 == fired.kind && $0.1 == fired.due } ? fired.kind.updateStageRank : nil
            } ?? -1
        let pending = stages.filter { ($0.0.updateStageRank ?? 0) > firedRank }
        let deadlines = pending.map { kind, at -> Deadline in
            let deadline = Deadline(incident: incident.id, kind: kind, due: at, heldFrom: due == ruleDue ? nil : ruleDue)
            return kind == .holdingUpdate ? deadline : snoozable(deadline, incident)
        }
        // Coalesce: of the stages already due, only the most advanced fires; later ones stay pending.
        if let lastDue = deadlines.lastIndex(where: { $0.fireAt <= now }) {
            return Array(deadlines[lastDue...])
        }
        return deadlines
    }

    /// The last page waits `acknowledgeWithin` for an acknowledgement; snoozing reminders does not delay it.
    private func acknowledgeDeadline(_ incident: Incident) -> Deadline? {
        guard incident.acknowledgedAt == nil, let last = incident.pages.last, last.level > 0 else { return nil }
        let kind = TimerKind.acknowledgeDeadline(level: last.level)
        guard incident.firedTimers[kind] == nil else { return nil }
        return Deadline(incident: incident.id, kind: kind, due: last.at.addingTimeInterval(configuration.oncall.acknowledgeWithin.timeInterval))
    }

    private func commanderNudge(_ incident: Incident) -> Deadline? {
        let reminders = configuration.reminders
        guard incident.roles[.ic] == nil, reminders.commanderNudgeSeverities.contains(incident.severity),
            incident.firedTimers[.noCommander] == nil
        else { return nil }
        let due = incident.declaredAt.addingTimeInterval(reminders.commanderNudgeAfter.timeInterval)
        return snoozable(Deadline(incident: incident.id, kind: .noCommander, due: due), incident)
    }

    /// Each open item with a due date is reminded at the set hour of its due day, then daily; after a
    /// downtime only the latest missed day fires.
    private func actionItems(_ incident: Incident, now: Date) -> [Deadline] {
        incident.actionItems.compactMap { item in
            guard !item.isDone, let due = item.due else { return nil }
            let kind = TimerKind.actionItemDue(number: item.number)
            let first = due.startOfDay.addingTimeInterval(TimeInterval(configuration.reminders.actionReminderHourUTC * 3600))
            var next = first
            if let last = incident.firedTimers[kind] {
                let days = Int((last.timeIntervalSince(first) / 86400).rounded(.down)) + 1
                next = first.addingTimeInterval(TimeInterval(max(0, days) * 86400))
            }
            if next < now {
                let missedDays = Int((now.timeIntervalSince(next) / 86400).rounded(.down))
                next = next.addingTimeInterval(TimeInterval(missedDays * 86400))
            }
            return Deadline(incident: incident.id, kind: kind, due: next)
        }
    }

    private func snoozable(_ deadline: Deadline, _ incident: Incident) -> Deadline {
        guard let until = incident.snoozedUntil, until > deadline.due else { return deadline }
        return Deadline(incident: deadline.incident, kind: deadline.kind, due: deadline.due, fireAt: until, heldFrom: deadline.heldFrom)
    }
}
