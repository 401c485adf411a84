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

    public init(text: String, incident: IncidentID?, purpose: Purpose) {
        self.text = text
        self.incident = incident
        self.purpose = purpose
    }
}

extension MessageRenderer {
    /// Renders `post` with what an adapter needs to place it.
    public func renderPost(_ post: ChannelPost, state: ChannelState, markup: Markup) -> RenderedPost {
        let text = render(post, state: state, markup: markup)
        switch post {
        case .initialAlert(let id):
            return RenderedPost(text: text, incident: id, purpose: .alert)
        case .headline(let id):
            return RenderedPost(text: text, incident: id, purpose: .headline)
        case .statusUpdate(let id), .resolution(let id):
            return RenderedPost(text: text, incident: id, purpose: .stakeholder)
        case .holdingUpdate(let record):
            return RenderedPost(text: text, incident: record.incident, purpose: .stakeholder)
        case .reminder(let record):
            return RenderedPost(text: text, incident: record.incident, purpose: .reminder)
        case .notice(let record):
            return RenderedPost(text: text, incident: record.incident, purpose: .notice)
        }
    }
}
