/// A message the channel should see because of accepted events; rendered and delivered by the shell.
public enum ChannelPost: Equatable, Sendable {
    case initialAlert(IncidentID)
    case statusUpdate(IncidentID)
    case resolution(IncidentID)
    /// A one-line notice describing the event (role changes, severity changes, notes, …).
    case notice(EventRecord)
    /// A reminder from a fired timer, mentioning whoever it is for.
    case reminder(EventRecord)
    /// The holding Status Update the bot posts when the IC stays silent.
    case holdingUpdate(EventRecord)
    /// The Initial Alert as it reads now, to replace the original where the platform can edit messages.
    case headline(IncidentID)
    /// Someone on call is paged: mentioned in the channel (and messaged directly where the platform can).
    case page(EventRecord)
    /// Monitoring shows recovery: the IC is told.
    case recovery(EventRecord)
    /// A handover note, or a reminder that it is not acknowledged yet.
    case handover(EventRecord)

    /// The posts that a batch of newly recorded events implies, in order.
    public static func implied(by records: [EventRecord]) -> [ChannelPost] {
        let declaredHere = Set(records.compactMap { record -> IncidentID? in
            if case .declared = record.event { record.incident } else { nil }
        })
        var posts: [ChannelPost] = records.compactMap { record in
            switch record.event {
            case .paged: return .page(record)
            case .alertRecovered: return .recovery(record)
            case .handoverRecorded, .reminderSent(.handoverUnacknowledged, _): return .handover(record)
            // Repeated notifications change counts on the timeline only; a new incident's alert shows in its Initial Alert.
            case .alertsChanged, .reportDeclared: return nil
            case .alertDetected where record.incident.map(declaredHere.contains) == true: return nil
            default: break
            }
            guard let id = record.incident else { return .notice(record) }
            switch record.event {
            case .declared: return .initialAlert(id)
            case .updatePosted: return .statusUpdate(id)
            case .resolved: return .resolution(id)
            case .reminderSent: return .reminder(record)
            case .holdingUpdatePosted: return .holdingUpdate(record)
            case .postmortemDrafted: return nil
            default: return .notice(record)
            }
        }
        // Once per incident and batch, after the posts, when what the headline shows has changed.
        var refreshed: Set<IncidentID> = []
        for record in records {
            guard let id = record.incident, record.changesHeadline, !refreshed.contains(id) else { continue }
            if records.contains(where: { $0.incident == id && { if case .declared = $0.event { true } else { false } }($0) }) { continue }
            refreshed.insert(id)
            posts.append(.headline(id))
        }
        return posts
    }
}

extension EventRecord {
    /// Whether the event changes what the Initial Alert shows: severity, status, IC, impact, next update.
    var changesHeadline: Bool {
        switch event {
        case .severityChanged, .statusChanged, .impactSet, .systemsSet, .updatePosted, .mitigated, .resolved, .reopened,
             .holdingUpdatePosted, .remindersChanged:
            return true
        case .roleAssigned(let role, _, _):
            return role == .ic
        default:
            return false
        }
    }
}
