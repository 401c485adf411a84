import Foundation

/// One incident as the fold of its events.
package struct Incident: Sendable, Equatable, Codable {
    package let id: IncidentID
    package var title: String
    package var severity: Severity
    package var status: IncidentStatus
    package var impact: String?
    package var systems: [String]
    package var roles: [Role: UserRef] = [:]
    /// Everyone who has held each role in this incident, in order: a role's briefing goes to each of them once.
    package var roleHolders: [Role: [UserRef]] = [:]
    package var declaredBy: UserRef
    package var detectedAt: Date
    package var declaredAt: Date
    package var acknowledgedAt: Date?
    package var acknowledgedBy: UserRef?
    package var mitigatedAt: Date?
    package var resolvedAt: Date?
    package var rootCause: String?
    package var lastUpdate: StatusUpdate?
    package var updateCount = 0
    package var actionItems: [ActionItem] = []
    package var snoozedUntil: Date?
    package var reminders: ReminderSetting = .cadence
    /// When the update clock last restarted: declaration, a Status Update, or a holding post.
    package var updateClockStart: Date
    /// The "Next Update" time promised by the last Status Update or holding post.
    package var promisedNextUpdate: Date?
    /// When the severity or the reminder setting last changed (the promise is re-derived after it).
    package var cadenceChangedAt: Date?
    /// The most advanced update-clock stage fired for the current due time.
    package var firedUpdateStage: FiredStage?
    /// One-shot timers already fired, and the last due time of repeating ones.
    package var firedTimers: [TimerKind: Date] = [:]
    package var holdingUpdateCount = 0
    package var hasPostmortemDraft = false
    package var reopenCount = 0
    /// What went well and what to improve, in the order recorded.
    package var learnings: [Learning] = []
    /// The 5 Whys, in the order given.
    package var whys: [String] = []
    /// Incidents that share this one's root cause, in the order linked.
    package var links: [IncidentLink] = []
    /// Kept off audience channels and the status page.
    package var isPrivate = false
    /// How monitoring detected it, when an alert opened it.
    package var detection: Detection?
    /// The alert groups (keys) that belong to this incident, and those that have recovered.
    package var alertKeys: [String] = []
    package var recoveredAlertKeys: Set<String> = []
    /// The last counts a notification gave, per alert group.
    package var alertCounts: [String: AlertCount] = [:]
    /// Everyone paged for this incident, in order.
    package var pages: [Page] = []
    /// The postmortem's impact fields, as last recorded.
    package var impactDetails: [ImpactAspect: String] = [:]
    /// Who writes the postmortem, when someone was named (otherwise the Incident Commander).
    package var postmortemAuthor: UserRef?
    /// The runbook an alert named.
    package var runbook: String?
    /// An automatic page waiting for business hours.
    package var heldPage: HeldPage?
    /// Chat messages on the timeline whose pin is still on, by id.
    package var pinnedMessages: [String] = []
    /// The war room it runs in, when it has one.
    package var warRoom: WarRoomInfo?
    /// The message each pin reaction (an event of its own, on Matrix) pinned, by the reaction's id.
    package var pinReactions: [String: String] = [:]

    package init(id: IncidentID, title: String, severity: Severity, impact: String?, systems: [String], declaredBy: UserRef, declaredAt: Date) {
        self.id = id
        self.title = title
        self.severity = severity
        self.status = .investigating
        self.impact = impact
        self.systems = systems
        self.declaredBy = declaredBy
        self.detectedAt = declaredAt
        self.declaredAt = declaredAt
        self.updateClockStart = declaredAt
    }

    package var isActive: Bool { status != .resolved }

    /// The ETA of the latest update, if one was given.
    package var eta: Date? { lastUpdate?.eta }

    /// Action items not yet done.
    package var openActionItems: [ActionItem] { actionItems.filter { !$0.isDone } }
}

/// A Status Update as posted to stakeholders.
package struct StatusUpdate: Sendable, Equatable, Codable {
    package var text: String
    package var postedAt: Date
    package var postedBy: UserRef
    package var nextUpdateAt: Date?
    package var eta: Date?
}

/// A follow-up task with an owner, numbered from 1 within its incident.
package struct ActionItem: Sendable, Equatable, Codable {
    package var number: Int
    package var text: String
    package var owner: UserRef
    package var due: CalendarDate?
    package var createdAt: Date
    package var doneAt: Date?
    /// The issue that tracks it in the team's tracker (Jira, Linear, GitHub), once the tracker has created it.
    package var tracker: TrackerLink?
    /// Why the tracker refused to create the issue, once it did (the owner has been told).
    package var trackerRefusal: String?
    package var isDone: Bool { doneAt != nil }
}

/// An issue in the team's tracker: its key as people say it (`OPS-42`, `ENG-7`, `#12`) and its address.
package struct TrackerLink: Sendable, Equatable, Codable {
    package var key: String
    package var url: String

    package init(key: String, url: String) {
        self.key = key
        self.url = url
    }
}

/// The update-clock stage last fired, with the time that stage was due.
package struct FiredStage: Equatable, Sendable, Codable {
    package var due: Date
    package var kind: TimerKind
}

/// A lesson recorded for the postmortem.
package struct Learning: Sendable, Equatable, Codable {
    package var kind: LearningKind
    package var text: String
    package var by: UserRef
}

/// A related incident that shares a root cause.
package struct IncidentLink: Sendable, Equatable, Codable {
    package var incident: IncidentID
    package var note: String?
}

/// How an incident was detected by monitoring.
package struct Detection: Sendable, Equatable, Codable {
    package var source: String
    package var key: String
    /// When the failure started, by the monitor's clock.
    package var startedAt: Date?
    package var detectedAt: Date
}

/// Firing and resolved alerts of one group, as last reported.
package struct AlertCount: Sendable, Equatable, Codable {
    package var firing: Int
    package var resolved: Int

    package init(firing: Int, resolved: Int) {
        self.firing = firing
        self.resolved = resolved
    }
}

/// An automatic page held for business hours: the level to page and when they begin.
package struct HeldPage: Sendable, Equatable, Codable {
    package var level: Int
    package var until: Date

    package init(level: Int, until: Date) {
        self.level = level
        self.until = until
    }
}

/// One page: who, at which level, when.
package struct Page: Sendable, Equatable, Codable {
    package var level: Int
    package var user: UserRef
    package var rotation: String
    package var at: Date
}
