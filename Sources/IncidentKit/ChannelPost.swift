/// What a post says, named by what implied it; the shell renders it from the state after the transaction.
package enum ChannelPost: Equatable, Sendable {
    case initialAlert(IncidentID)
    case statusUpdate(IncidentID)
    case resolution(IncidentID)
    /// A one-line notice describing the event (role changes, severity changes, notes, …).
    case notice(EventRecord)
    /// A reminder from a fired timer, mentioning whoever it is for.
    case reminder(EventRecord)
    /// The holding Status Update the bot posts when the IC stays silent.
    case holdingUpdate(EventRecord)
    /// Someone on call is paged: mentioned in the channel (and messaged directly where the platform can).
    case page(EventRecord)
    /// Monitoring shows recovery: the IC is told.
    case recovery(EventRecord)
    /// A handover note, or a reminder that it is not acknowledged yet.
    case handover(EventRecord)
    /// A role's checklist for the person just assigned it (the `roleAssigned` record), sent to them privately.
    case briefing(EventRecord)

    /// Initial Alert, Status Update, holding update and Resolution: what stakeholders are told.
    package var isForStakeholders: Bool {
        switch self {
        case .initialAlert, .statusUpdate, .resolution, .holdingUpdate: true
        case .notice, .reminder, .page, .recovery, .handover, .briefing: false
        }
    }

    /// The incident the post is about. A handover belongs to the channel's on-call, not to one incident.
    package var incident: IncidentID? {
        switch self {
        case .initialAlert(let id), .statusUpdate(let id), .resolution(let id): id
        case .notice(let record), .reminder(let record), .holdingUpdate(let record), .page(let record), .recovery(let record),
            .briefing(let record):
            record.incident
        case .handover: nil
        }
    }
}

extension EventRecord {
    /// Whether the event changes what the Initial Alert shows: severity, status, IC, impact, next update.
    var changesHeadline: Bool {
        switch event {
        case .severityChanged, .statusChanged, .impactSet, .systemsSet, .updatePosted, .mitigated, .resolved, .reopened,
            .holdingUpdatePosted, .remindersChanged, .runbookLinked:
            return true
        case .roleAssigned(let role, _, _):
            return role == .ic
        default:
            return false
        }
    }

    var isDeclaration: Bool { if case .declared = event { true } else { false } }

    /// The link to a war room, posted where it was declared.
    package var isWarRoomLink: Bool { if case .warRoomOpened = event { true } else { false } }

    /// Whether the event changes what a war room's topic shows: severity, status, IC.
    var changesTopic: Bool {
        switch event {
        case .severityChanged, .statusChanged, .mitigated, .resolved, .reopened: true
        case .roleAssigned(let role, _, _): role == .ic
        default: false
        }
    }

    /// Whether the shell reserves a new incident id for the transaction: a declaration, or a war room requested.
    package var reservesIncidentID: Bool {
        switch event {
        case .declared, .warRoomRequested: true
        default: false
        }
    }

    /// A chat message pinned to the timeline, or its pin taken off: confirmed in the incident's thread, not the channel.
    var isPin: Bool {
        switch event {
        case .messagePinned, .messageUnpinned: true
        default: false
        }
    }
}
