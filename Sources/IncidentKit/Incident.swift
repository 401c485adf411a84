import Foundation

/// One incident as the fold of its events.
public struct Incident: Sendable, Equatable, Codable {
    public let id: IncidentID
    public var title: String
    public var severity: Severity
    public var status: IncidentStatus
    public var impact: String?
    public var systems: [String]
    public var roles: [Role: UserRef] = [:]
    public var declaredBy: UserRef
    public var detectedAt: Date
    public var declaredAt: Date
    public var acknowledgedAt: Date?
    public var acknowledgedBy: UserRef?
    public var mitigatedAt: Date?
    public var resolvedAt: Date?
    public var rootCause: String?
    public var lastUpdate: StatusUpdate?
    public var updateCount = 0
    public var actionItems: [ActionItem] = []
    public var snoozedUntil: Date?
    public var reminders: ReminderSetting = .cadence
    /// When the update clock last restarted: declaration, a Status Update, or a holding post.
    public var updateClockStart: Date
    /// The "Next Update" time promised by the last Status Update or holding post.
    public var promisedNextUpdate: Date?
    /// When the severity or the reminder setting last changed (the promise is re-derived after it).
    public var cadenceChangedAt: Date?
    /// The most advanced update-clock stage fired for the current due time.
    public var firedUpdateStage: FiredStage?
    /// One-shot timers already fired, and the last due time of repeating ones.
    public var firedTimers: [TimerKind: Date] = [:]
    public var holdingUpdateCount = 0
    public var hasPostmortemDraft = false
    public var reopenCount = 0
    /// What went well and what to improve, in the order recorded.
    public var learnings: [Learning] = []
    /// The 5 Whys, in the order given.
    public var whys: [String] = []
    /// Incidents that share this one's root cause, in the order linked.
    public var links: [IncidentLink] = []
    /// Kept off audience channels and the status page.
    public var isPrivate = false
    /// How monitoring detected it, when an alert opened it.
    public var detection: Detection?
    /// The alert groups (keys) that belong to this incident, and those that have recovered.
    public var alertKeys: [String] = []
    public var recoveredAlertKeys: Set<String> = []
    /// The last counts a notification gave, per alert group.
    public var alertCounts: [String: AlertCount] = [:]
    /// Everyone paged for this incident, in order.
    public var pages: [Page] = []

    public init(id: IncidentID, title: String, severity: Severity, impact: String?, systems: [String], declaredBy: UserRef, declaredAt: Date) {
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

    public var isActive: Bool { status != .resolved }

    /// The ETA of the latest update, if one was given.
    public var eta: Date? { lastUpdate?.eta }

    /// Action items not yet done.
    public var openActionItems: [ActionItem] { actionItems.filter { !$0.isDone } }
}

/// A Status Update as posted to stakeholders.
public struct StatusUpdate: Sendable, Equatable, Codable {
    public var text: String
    public var postedAt: Date
    public var postedBy: UserRef
    public var nextUpdateAt: Date?
    public var eta: Date?
}

/// A follow-up task with an owner, numbered from 1 within its incident.
public struct ActionItem: Sendable, Equatable, Codable {
    public var number: Int
    public var text: String
    public var owner: UserRef
    public var due: CalendarDate?
    public var createdAt: Date
    public var doneAt: Date?
    public var isDone: Bool { doneAt != nil }
}

/// The update-clock stage last fired, with the time that stage was due.
public struct FiredStage: Equatable, Sendable, Codable {
    public var due: Date
    public var kind: TimerKind
}

/// A lesson recorded for the postmortem.
public struct Learning: Sendable, Equatable, Codable {
    public var kind: LearningKind
    public var text: String
    public var by: UserRef
}

/// A related incident that shares a root cause.
public struct IncidentLink: Sendable, Equatable, Codable {
    public var incident: IncidentID
    public var note: String?
}

/// How an incident was detected by monitoring.
public struct Detection: Sendable, Equatable, Codable {
    public var source: String
    public var key: String
    /// When the failure started, by the monitor's clock.
    public var startedAt: Date?
    public var detectedAt: Date
}

/// Firing and resolved alerts of one group, as last reported.
public struct AlertCount: Sendable, Equatable, Codable {
    public var firing: Int
    public var resolved: Int

    public init(firing: Int, resolved: Int) {
        self.firing = firing
        self.resolved = resolved
    }
}

/// One page: who, at which level, when.
public struct Page: Sendable, Equatable, Codable {
    public var level: Int
    public var user: UserRef
    public var rotation: String
    public var at: Date
}
