import Foundation

/// Everything known about one channel: the fold of its event log.
package struct ChannelState: Sendable, Equatable, Codable {
    package private(set) var incidents: [IncidentID: Incident] = [:]
    /// Incident ids in the order they were declared.
    package private(set) var order: [IncidentID] = []
    package private(set) var activeID: IncidentID?
    /// Sequence number of the last event applied; the next event gets `lastSequence + 1`.
    package private(set) var lastSequence = 0
    /// Customer reports filed in this channel, numbered from 1.
    package private(set) var reports: [CustomerReport] = []
    /// The last on-call handover of this channel.
    package private(set) var handover: Handover?
    /// Ids of the most recent platform deliveries that caused a transaction here (oldest first), so a delivery the
    /// platform retries (after a timeout or a restart) is recognised and not run again.
    package private(set) var recentDeliveries: [String] = []
    /// The names people go by here, as their inputs told.
    package private(set) var people = PeopleNames()
    /// War rooms declared from this channel, oldest first.
    package private(set) var warRooms: [WarRoomLink] = []

    /// How many delivery ids a channel remembers.
    package static let rememberedDeliveries = 500

    package init() {}

    /// Folds a whole log.
    package init<S: Sequence>(replaying records: S) where S.Element == EventRecord {
        for record in records { apply(record) }
    }

    package var activeIncident: Incident? { activeID.flatMap { incidents[$0] } }

    /// The most recently declared incident, active or not.
    package var latestIncident: Incident? { order.last.flatMap { incidents[$0] } }

    /// Applies one event. Total: an event that does not fit (unknown incident) changes nothing but the sequence.
    package mutating func apply(_ record: EventRecord) {
        lastSequence = max(lastSequence, record.sequence)
        if let delivery = record.delivery {
            recentDeliveries.append(delivery)
            if recentDeliveries.count > Self.rememberedDeliveries { recentDeliveries.removeFirst(recentDeliveries.count - Self.rememberedDeliveries) }
        }
        if let name = record.actorName { people.learn(name, for: record.actor) }
        applyChannelLevel(record)
        guard let id = record.incident else { return }
        if case .declared(let title, let severity, let impact, let systems) = record.event {
            incidents[id] = Incident(
                id: id,
                title: title,
                severity: severity,
                impact: impact,
                systems: systems,
                declaredBy: record.actor,
                declaredAt: record.at
            )
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

/// A report from a customer or colleague that may become an incident.
package struct CustomerReport: Sendable, Equatable, Codable {
    package enum State: Sendable, Equatable, Codable {
        case open
        case dismissed(reason: String?)
        case declared(IncidentID)
    }

    package var number: Int
    package var text: String
    package var by: UserRef
    package var at: Date
    package var state: State
}

/// An on-call shift handed from one person to the next, with notes.
package struct Handover: Sendable, Equatable, Codable {
    package var from: UserRef
    package var to: UserRef
    package var notes: String
    package var at: Date
    package var acknowledgedAt: Date?
    package var remindersSent = 0
}

extension ChannelState {
    /// Events that belong to the channel rather than to one incident: reports and handovers.
    private mutating func applyChannelLevel(_ record: EventRecord) {
        switch record.event {
        case .reportFiled(let number, let text):
            reports.append(CustomerReport(number: number, text: text, by: record.actor, at: record.at, state: .open))
        case .reportDismissed(let number, let reason):
            if let index = reports.firstIndex(where: { $0.number == number }) { reports[index].state = .dismissed(reason: reason) }
        case .warRoomRequested(let request):
            warRooms.append(WarRoomLink(request: request, requestedAt: record.at))
        case .warRoomOpened(let channel, let name):
            if let index = warRooms.lastIndex(where: { $0.request.incident == record.incident }) {
                (warRooms[index].channel, warRooms[index].name) = (channel, name)
            }
        case .reportDeclared(let number, _):
            if let index = reports.firstIndex(where: { $0.number == number }), let id = record.incident { reports[index].state = .declared(id) }
        case .handoverRecorded(let to, let notes):
            handover = Handover(from: record.actor, to: to, notes: notes, at: record.at)
        case .handoverAcknowledged:
            handover?.acknowledgedAt = record.at
        case .reminderSent(.handoverUnacknowledged(let reminder), _):
            handover?.remindersSent = reminder
        default:
            break
        }
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
            heldPage = nil
        case .severityChanged(_, let to, _):
            severity = to
            cadenceChangedAt = at
        case .roleAssigned(let role, let user, _):
            roles[role] = user
            if roleHolders[role]?.contains(user) != true { roleHolders[role, default: []].append(user) }
        case .statusChanged(_, let to):
            status = to
        case .impactSet(let text):
            impact = text
        case .impactDetailRecorded(let aspect, let text):
            impactDetails[aspect] = text
        case .postmortemAuthorSet(let user):
            postmortemAuthor = user
        case .runbookLinked(let url):
            runbook = url
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
            if case .heldPage = kind { heldPage = nil }
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
        case .actionTracked(let number, let key, let url):
            if let index = actionItems.firstIndex(where: { $0.number == number }) { actionItems[index].tracker = TrackerLink(key: key, url: url) }
        case .actionTrackingRefused(let number, _, let reason):
            if let index = actionItems.firstIndex(where: { $0.number == number }) { actionItems[index].trackerRefusal = reason }
        case .visibilityChanged(let isPrivate):
            self.isPrivate = isPrivate
        case .alertDetected(let source, let key, let startedAt, _, _, let firing):
            alertKeys.append(key)
            alertCounts[key] = AlertCount(firing: firing, resolved: 0)
            if detection == nil, record.at == declaredAt {
                detection = Detection(source: source, key: key, startedAt: startedAt, detectedAt: at)
                status = .triage
                if let startedAt, startedAt < detectedAt { detectedAt = startedAt }
            }
        case .alertsChanged(let key, let firing, let resolved):
            alertCounts[key] = AlertCount(firing: firing, resolved: resolved)
            if firing > 0 { recoveredAlertKeys.remove(key) }
        case .alertRecovered(let key):
            recoveredAlertKeys.insert(key)
            if let count = alertCounts[key] { alertCounts[key] = AlertCount(firing: 0, resolved: count.firing + count.resolved) }
        case .paged(let level, let user, let rotation):
            pages.append(Page(level: level, user: user, rotation: rotation, at: at))
            heldPage = nil
        case .pageHeld(let level, let until):
            heldPage = HeldPage(level: level, until: until)
        case .messagePinned(let message):
            if !pinnedMessages.contains(message.id) { pinnedMessages.append(message.id) }
            if let reaction = message.reaction { pinReactions[reaction] = message.id }
        case .messageUnpinned(let id):
            pinnedMessages.removeAll { $0 == id }
            pinReactions = pinReactions.filter { $0.value != id }
        case .warRoomLinked(let requestedIn, let name):
            warRoom = WarRoomInfo(requestedIn: requestedIn, name: name)
        case .warRoomArchived:
            warRoom?.archived = true
        case .warRoomRequested, .warRoomOpened, .warRoomRefused:
            break
        case .reportFiled, .reportDismissed, .handoverAcknowledged:
            break
        case .reportDeclared(_, let reportedAt):
            detectedAt = min(detectedAt, reportedAt)
        }
    }

    private mutating func restartUpdateClock(at: Date, promising next: Date?) {
        updateClockStart = at
        promisedNextUpdate = next
        cadenceChangedAt = nil
        firedUpdateStage = nil
    }
}

/// Coded for snapshots: the incidents as one list in declaration order (their ids are inside them), from which
/// both the lookup table and the order are rebuilt.
extension ChannelState {
    enum CodingKeys: String, CodingKey {
        case incidents, activeID, lastSequence, reports, handover, recentDeliveries, people, warRooms
    }

    package init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        let list = try container.decode([Incident].self, forKey: .incidents)
        order = list.map(\.id)
        incidents = Dictionary(list.map { ($0.id, $0) }, uniquingKeysWith: { _, last in last })
        activeID = try container.decodeIfPresent(IncidentID.self, forKey: .activeID)
        lastSequence = try container.decode(Int.self, forKey: .lastSequence)
        reports = try container.decodeIfPresent([CustomerReport].self, forKey: .reports) ?? []
        handover = try container.decodeIfPresent(Handover.self, forKey: .handover)
        recentDeliveries = try container.decodeIfPresent([String].self, forKey: .recentDeliveries) ?? []
        let names = try container.decodeIfPresent([String: String].self, forKey: .people) ?? [:]
        people = PeopleNames(Dictionary(uniqueKeysWithValues: names.map { (UserRef($0.key), $0.value) }))
        warRooms = try container.decodeIfPresent([WarRoomLink].self, forKey: .warRooms) ?? []
    }

    package func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(order.compactMap { incidents[$0] }, forKey: .incidents)
        try container.encodeIfPresent(activeID, forKey: .activeID)
        try container.encode(lastSequence, forKey: .lastSequence)
        if !reports.isEmpty { try container.encode(reports, forKey: .reports) }
        try container.encodeIfPresent(handover, forKey: .handover)
        if !recentDeliveries.isEmpty { try container.encode(recentDeliveries, forKey: .recentDeliveries) }
        if !people.byUser.isEmpty {
            try container.encode(Dictionary(uniqueKeysWithValues: people.byUser.map { ($0.key.id, $0.value) }), forKey: .people)
        }
        if !warRooms.isEmpty { try container.encode(warRooms, forKey: .warRooms) }
    }
}
