import Foundation

/// A reminder or automatic post that Firebell owes at a time derived from state.
package enum TimerKind: Codable, Sendable, Hashable {
    /// The next Status Update is due: remind the IC.
    case updateDue
    /// The update is overdue by half a cadence: nudge the IC and the Communications Lead.
    case updateNudge
    /// The update is overdue by a whole cadence: the bot posts a holding Status Update itself.
    case holdingUpdate
    /// A SEV1/SEV2 incident still has no Incident Commander.
    case noCommander
    /// The severity's target resolution time has passed.
    case targetResolution
    /// An action item's due date has been reached (repeats daily until done).
    case actionItemDue(number: Int)
    /// A resolved incident still has no postmortem draft.
    case postmortemDue
    /// A page at this level was not acknowledged in time: page the next level (or, at the top, the channel).
    case acknowledgeDeadline(level: Int)
    /// A handover note is still unacknowledged (the n-th reminder).
    case handoverUnacknowledged(reminder: Int)
    /// An automatic page held outside business hours: page this level now that they have begun.
    case heldPage(level: Int)
    /// A resolved incident's war room is archived.
    case archiveWarRoom

    /// The stages of the update clock, in order.
    static let updateStages: [TimerKind] = [.updateDue, .updateNudge, .holdingUpdate]

    var updateStageRank: Int? { Self.updateStages.firstIndex(of: self) }

    /// A few words for the timeline.
    package var summary: String {
        switch self {
        case .updateDue: "Status Update due"
        case .updateNudge: "Status Update overdue"
        case .holdingUpdate: "holding update"
        case .noCommander: "no Incident Commander yet"
        case .targetResolution: "target resolution time passed"
        case .actionItemDue(let number): "action item \(number) due"
        case .postmortemDue: "postmortem not written yet"
        case .acknowledgeDeadline(let level): "page at L\(level) not acknowledged"
        case .handoverUnacknowledged: "handover not acknowledged"
        case .heldPage(let level): "held page at L\(level) due"
        case .archiveWarRoom: "war room archived"
        }
    }
}

/// A moment at which an incident owes something.
package struct Deadline: Hashable, Sendable {
    /// The incident that owes it; nil for a channel-level timer (a handover).
    package let incident: IncidentID?
    package let kind: TimerKind
    /// When the timer is due by the rules (what "late" is measured against).
    package let due: Date
    /// When it fires: `due`, or later while reminders are snoozed.
    package let fireAt: Date
    /// When it was due before its severity's response window held it for business hours, if it did.
    package let heldFrom: Date?

    package init(incident: IncidentID?, kind: TimerKind, due: Date, fireAt: Date? = nil, heldFrom: Date? = nil) {
        self.incident = incident
        self.kind = kind
        self.due = due
        self.fireAt = fireAt ?? due
        self.heldFrom = heldFrom
    }
}
