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
    }

    public var text: String
    public var incident: IncidentID?
    public var purpose: Purpose
    /// Whether the post offers the incident's quick actions (Acknowledge, Post update, Snooze) where the
    /// platform has buttons: the headline of an active incident, and update reminders.
    public var offersActions: Bool

    public init(text: String, incident: IncidentID?, purpose: Purpose, offersActions: Bool = false) {
        self.text = text
        self.incident = incident
        self.purpose = purpose
        self.offersActions = offersActions
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
        }
    }
}
