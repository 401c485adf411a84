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

    /// The posts that a batch of newly recorded events implies, in order.
    public static func implied(by records: [EventRecord]) -> [ChannelPost] {
        records.compactMap { record in
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
    }
}
