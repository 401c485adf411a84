import IncidentKit

/// A channel post ready to send: its text in the platform's markup, the incident it belongs to
/// (adapters with threads keep one thread per incident), and what kind of post it is.
public struct RenderedPost: Sendable, Equatable {
    /// What a post is for, so adapters can place it (headline, thread, channel).
    public enum Purpose: String, Sendable {
        /// The Initial Alert: the incident's headline post, which later edits replace.
        case alert
        /// Status Update, holding update, Resolution: for stakeholders.
        case stakeholder
        /// The Initial Alert as it reads now, replacing the original where the platform can edit.
        case headline
        /// A reminder or nudge from a fired timer.
        case reminder
        /// A one-line notice of a change.
        case notice
        /// A page or an on-call handover: in the channel itself (never in a thread), mentioning someone.
        case page
    }

    public var text: String
    public var incident: IncidentID?
    public var purpose: Purpose
    /// Whether the post offers the incident's quick actions (Acknowledge, Post update, Snooze) where the
    /// platform has buttons: the headline of an active incident, and update reminders.
    public var offersActions: Bool
    /// Someone who should also get this post as a direct message (the person paged), where the platform can.
    public var directRecipient: UserRef?

    public init(text: String, incident: IncidentID?, purpose: Purpose, offersActions: Bool = false, directRecipient: UserRef? = nil) {
        self.text = text
        self.incident = incident
        self.purpose = purpose
        self.offersActions = offersActions
        self.directRecipient = directRecipient
    }
}

extension MessageRenderer {
    /// Renders `post` with what an adapter needs to place it.
    public func renderPost(_ post: ChannelPost, state: ChannelState, markup: Markup) -> RenderedPost {
        let text = render(post, state: state, markup: markup)
        switch post {
        case .initialAlert(let id):
            return RenderedPost(text: text, incident: id, purpose: .alert, offersActions: state.incidents[id]?.isActive == true)
        case .headline(let id):
            return RenderedPost(text: text, incident: id, purpose: .headline, offersActions: state.incidents[id]?.isActive == true)
        case .statusUpdate(let id), .resolution(let id):
            return RenderedPost(text: text, incident: id, purpose: .stakeholder)
        case .holdingUpdate(let record):
            return RenderedPost(text: text, incident: record.incident, purpose: .stakeholder)
        case .reminder(let record):
            let isUpdateReminder = if case .reminderSent(.updateDue, _) = record.event { true }
                else if case .reminderSent(.updateNudge, _) = record.event { true } else { false }
            return RenderedPost(text: text, incident: record.incident, purpose: .reminder, offersActions: isUpdateReminder)
        case .notice(let record):
            return RenderedPost(text: text, incident: record.incident, purpose: .notice)
        case .page(let record):
            let user: UserRef? = if case .paged(_, let user, _) = record.event { user } else { nil }
            return RenderedPost(text: text, incident: record.incident, purpose: .page, directRecipient: user)
        case .recovery(let record):
            return RenderedPost(text: text, incident: record.incident, purpose: .reminder)
        case .handover:
            return RenderedPost(text: text, incident: nil, purpose: .page)
        }
    }
}
