import Foundation

/// Everything known about one channel: the fold of its event log.
public struct ChannelState: Sendable, Equatable {
    public private(set) var incidents: [IncidentID: Incident] = [:]
    /// Incident ids in the order they were declared.
    public private(set) var order: [IncidentID] = []
    public private(set) var activeID: IncidentID?
    /// Sequence number of the last event applied; the next event gets `lastSequence + 1`.
    public private(set) var lastSequence = 0

    public init() {}

    /// Folds a whole log.
    public init<S: Sequence>(replaying records: S) where S.Element == EventRecord {
        for record in records { apply(record) }
    }

    public var activeIncident: Incident? { activeID.flatMap { incidents[$0] } }

    /// The most recently declared incident, active or not.
    public var latestIncident: Incident? { order.last.flatMap { incidents[$0] } }

    /// Applies one event. Total: an event that does not fit (unknown incident) changes nothing but the sequence.
    public mutating func apply(_ record: EventRecord) {
        lastSequence = max(lastSequence, record.sequence)
        guard let id = record.incident else { return }
        if case .declared(let title, let severity, let impact, let systems) = record.event {
            incidents[id] = Incident(id: id, title: title, severity: severity, impact: impact, systems: systems,
                                     declaredBy: record.actor, declaredAt: record.at)
            order.append(id)
            activeID = id
            return
        }
        guard var incident = incidents[id] else { return }
        incident.fold(record)
        incidents[id] = incident
        if incident.isActive { activeID = id } else if activeID == id { activeID = nil }
    }
}

extension Incident {
    mutating func fold(_ record: EventRecord) {
        let at = record.at
        switch record.event {
        case .declared:
            break
        case .acknowledged:
            acknowledgedAt = at
            acknowledgedBy = record.actor
        case .severityChanged(_, let to, _):
            severity = to
            cadenceChangedAt = at
        case .roleAssigned(let role, let user, _):
            roles[role] = user
        case .statusChanged(_, let to):
            status = to
        case .impactSet(let text):
            impact = text
        case .systemsSet(let list):
            systems = list
        case .updatePosted(let text, let next, let eta):
            lastUpdate = StatusUpdate(text: text, postedAt: at, postedBy: record.actor, nextUpdateAt: next, eta: eta)
            updateCount += 1
            restartUpdateClock(at: at, promising: next)
        case .notePosted:
            break
        case .mitigated:
            mitigatedAt = at
            status = .monitoring
        case .resolved(let cause):
            status = .resolved
            resolvedAt = at
            if mitigatedAt == nil { mitigatedAt = at }
            if let cause { rootCause = cause }
        case .reopened:
            status = .investigating
            resolvedAt = nil
            reopenCount += 1
            restartUpdateClock(at: at, promising: nil)
            firedTimers[.postmortemDue] = nil
        case .actionAdded(let number, let text, let owner, let due):
            actionItems.append(ActionItem(number: number, text: text, owner: owner, due: due, createdAt: at))
        case .actionCompleted(let number):
            if let index = actionItems.firstIndex(where: { $0.number == number }) { actionItems[index].doneAt = at }
        case .escalated, .handoverRecorded:
            break
        case .snoozed(let until):
            snoozedUntil = until
        case .remindersChanged(let setting):
            reminders = setting
            cadenceChangedAt = at
        case .reminderSent(let kind, let due):
            if kind.updateStageRank != nil {
                firedUpdateStage = FiredStage(due: due, kind: kind)
            } else {
                firedTimers[kind] = due
            }
        case .holdingUpdatePosted(_, let next):
            holdingUpdateCount += 1
            restartUpdateClock(at: at, promising: next)
        case .postmortemDrafted:
            hasPostmortemDraft = true
        case .learningRecorded(let kind, let text):
            learnings.append(Learning(kind: kind, text: text, by: record.actor))
        case .whyRecorded(let text):
            whys.append(text)
        case .incidentLinked(let other, let note):
            links.append(IncidentLink(incident: other, note: note))
        case .actionReassigned(let number, let owner, _):
            if let index = actionItems.firstIndex(where: { $0.number == number }) { actionItems[index].owner = owner }
        case .visibilityChanged(let isPrivate):
            self.isPrivate = isPrivate
        }
    }

    private mutating func restartUpdateClock(at: Date, promising next: Date?) {
        updateClockStart = at
        promisedNextUpdate = next
        cadenceChangedAt = nil
        firedUpdateStage = nil
    }
}
