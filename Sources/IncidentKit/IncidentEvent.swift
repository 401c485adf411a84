import Foundation

/// Something that happened to an incident; the channel's state is the fold of these.
/// Case and field names are part of the on-disk format: add cases, never rename them.
package enum IncidentEvent: Codable, Sendable, Equatable {
    case declared(title: String, severity: Severity, impact: String?, systems: [String])
    case acknowledged
    case severityChanged(from: Severity, to: Severity, reason: String?)
    case roleAssigned(role: Role, user: UserRef, previous: UserRef?)
    case statusChanged(from: IncidentStatus, to: IncidentStatus)
    case impactSet(text: String)
    case systemsSet(systems: [String])
    case updatePosted(text: String, nextUpdateAt: Date?, eta: Date?)
    case notePosted(text: String)
    case mitigated(text: String?)
    case resolved(rootCause: String?)
    case reopened(reason: String?)
    case actionAdded(number: Int, text: String, owner: UserRef, due: CalendarDate?)
    case actionCompleted(number: Int)
    case escalated(level: Int?, user: UserRef?)
    case handoverRecorded(to: UserRef, notes: String)
    case snoozed(until: Date)
    case remindersChanged(setting: ReminderSetting)
    /// A timer fired and its reminder was sent; `due` is when it was due by the rules.
    case reminderSent(kind: TimerKind, due: Date)
    /// The IC stayed silent a whole cadence: the bot posted a holding Status Update itself.
    case holdingUpdatePosted(due: Date, nextUpdateAt: Date?)
    /// A postmortem draft was produced.
    case postmortemDrafted
    /// A lesson for the postmortem: something that went well, or something to improve.
    case learningRecorded(kind: LearningKind, text: String)
    /// One answer of the 5 Whys, in the order given.
    case whyRecorded(text: String)
    /// Another incident shares this one's root cause (problem management).
    case incidentLinked(to: IncidentID, note: String?)
    case actionReassigned(number: Int, owner: UserRef, previous: UserRef)
    /// A private incident stays off audience channels and the status page.
    case visibilityChanged(isPrivate: Bool)
    /// Monitoring reported an alert group; it opened the incident (in triage) or was attached to it.
    case alertDetected(source: String, key: String, startedAt: Date?, labels: [String: String], links: [String], firing: Int)
    /// A repeated notification changed how many alerts of the group fire or have resolved.
    case alertsChanged(key: String, firing: Int, resolved: Int)
    /// Every alert of the group has resolved: monitoring shows recovery.
    case alertRecovered(key: String)
    /// Someone on call was paged at an escalation level (1 = L1 on-call … 4 = director).
    case paged(level: Int, user: UserRef, rotation: String)
    /// A customer report: a triage candidate (channel-level) that the on-call declares from or dismisses.
    case reportFiled(number: Int, text: String)
    case reportDismissed(number: Int, reason: String?)
    /// A report became the incident the record belongs to; the report's time counts as detection.
    case reportDeclared(number: Int, reportedAt: Date)
    /// The next on-call acknowledged the handover note.
    case handoverAcknowledged
    /// One of the postmortem's impact fields (customers, revenue, data, internal); never posted to stakeholders.
    case impactDetailRecorded(aspect: ImpactAspect, text: String)
    /// Who writes the postmortem (by default the Incident Commander).
    case postmortemAuthorSet(user: UserRef)
    /// An alert named the incident's runbook (`runbook_url`).
    case runbookLinked(url: String)
    /// The team's tracker created the issue that tracks an action item.
    case actionTracked(number: Int, key: String, url: String)
    /// The team's tracker refused to create an action item's issue for good; its owner is told.
    case actionTrackingRefused(number: Int, owner: UserRef, reason: String)
    /// An automatic page was held: the severity is handled in business hours, which begin at `until`.
    case pageHeld(level: Int, until: Date)
    /// A chat message went on the timeline (a 📌 reaction or a context-menu command), with its author, time and link.
    case messagePinned(message: ChatMessage)
    /// The pin reaction was taken off a message on the timeline; the message stays, and so does this.
    case messageUnpinned(messageID: String)
    /// In the channel where it was declared: the incident is to run in a channel of its own, being created.
    case warRoomRequested(request: WarRoomRequest)
    /// In the channel where it was declared: its war room exists (the link is posted there).
    case warRoomOpened(channel: ChannelRef, name: String)
    /// In the channel where it was declared: the platform refused to create the war room, so it runs here.
    case warRoomRefused(reason: String)
    /// In the war room: the incident runs here, declared in `requestedIn`.
    case warRoomLinked(requestedIn: ChannelRef, name: String)
    /// In the war room: archived, its incident resolved long enough.
    case warRoomArchived
}

/// Which list of the postmortem a lesson belongs to.
package enum LearningKind: String, Codable, Sendable, Equatable {
    case wentWell = "good"
    case toImprove = "improve"
}

/// How update reminders behave for one incident.
package enum ReminderSetting: Codable, Sendable, Equatable {
    /// Follow the severity's update cadence (the default).
    case cadence
    case off
    case every(interval: TimeSpan)
}

/// One line of a channel's event log: the event with who did it, when, and its place in the log.
package struct EventRecord: Codable, Sendable, Equatable {
    /// The schema version this build writes; older versions keep loading.
    package static let currentSchema = 1

    /// Schema version of this record.
    package var schema: Int
    /// Position in the channel's log, from 1, without gaps.
    package var sequence: Int
    package var at: Date
    package var actor: UserRef
    /// The incident the event belongs to; nil for channel-level events such as an on-call handover.
    package var incident: IncidentID?
    package var event: IncidentEvent
    /// On the first record of a transaction that appended several: how many it appended. The effects of a
    /// transaction are planned from all its records together, so a restart plans exactly the same effects again.
    package var transactionSize: Int?
    /// On the first record of a transaction: the platform's id of the delivery that caused it (a Slack `event_id`,
    /// a Matrix event id), so a delivery retried after a restart is recognised and not run twice.
    package var delivery: String?
    /// On the first record of a transaction: the name its actor goes by, when the platform said and the channel did
    /// not know it yet (or it changed), so names survive restarts with the log.
    package var actorName: String?

    package init(
        schema: Int = EventRecord.currentSchema,
        sequence: Int,
        at: Date,
        actor: UserRef,
        incident: IncidentID?,
        event: IncidentEvent,
        transactionSize: Int? = nil,
        delivery: String? = nil,
        actorName: String? = nil
    ) {
        self.schema = schema
        self.sequence = sequence
        self.at = at
        self.actor = actor
        self.incident = incident
        self.event = event
        self.transactionSize = transactionSize
        self.delivery = delivery
        self.actorName = actorName
    }

    enum CodingKeys: String, CodingKey {
        case schema = "v"
        case sequence = "seq"
        case at, actor, incident, event
        case transactionSize = "txn"
        case delivery = "via"
        case actorName = "name"
    }
}

extension EventRecord {
    /// Marks `records` (one transaction's, in order) as one transaction, caused by `delivery` when given.
    package static func transaction(_ records: [EventRecord], delivery: String?, actorName: String? = nil) -> [EventRecord] {
        guard var first = records.first else { return records }
        first.transactionSize = records.count > 1 ? records.count : nil
        first.delivery = delivery
        first.actorName = actorName
        return [first] + records.dropFirst()
    }

    /// Splits a log into its transactions: a record with `transactionSize` n starts the transaction of sequences
    /// `seq ..< seq + n`; any other record is a transaction of its own (logs written before transactions were
    /// marked, or what is left of one around a damaged line).
    package static func transactions<C: Collection>(in records: C) -> [ArraySlice<EventRecord>] where C.Element == EventRecord {
        let all = Array(records)
        var groups: [ArraySlice<EventRecord>] = []
        var start = 0
        while start < all.count {
            let end = all[start].sequence + max(1, all[start].transactionSize ?? 1)
            var next = start + 1
            while next < all.count, all[next].sequence < end, all[next].transactionSize == nil { next += 1 }
            groups.append(all[start..<next])
            start = next
        }
        return groups
    }
}
