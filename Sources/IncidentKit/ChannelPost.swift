/// A message the channel should see because of accepted events; rendered and delivered by the shell.
public enum ChannelPost: Equatable, Sendable {
    case initialAlert(IncidentID)
    case statusUpdate(IncidentID)
    case resolution(IncidentID)
    /// A one-line notice describing the event (role changes, severity changes, notes, …).
    case notice(EventRecord)

    /// The posts that a batch of newly recorded events implies, in order.
    public static func implied(by records: [EventRecord]) -> [ChannelPost] {
        records.compactMap { record in
            guard let id = record.incident else { return .notice(record) }
            switch record.event {
            case .declared: return .initialAlert(id)
            case .updatePosted: return .statusUpdate(id)
            case .resolved: return .resolution(id)
            default: return .notice(record)
            }
        }
    }
}
