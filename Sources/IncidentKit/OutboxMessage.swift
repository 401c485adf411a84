import Foundation

/// A message waiting to be delivered to a chat platform, recorded before any attempt is made.
public struct OutboxMessage: Codable, Sendable, Equatable {
    /// Position in the channel's outbox, from 1; delivery follows this order.
    public var id: Int
    public var channel: ChannelRef
    public var text: String
    public var incident: IncidentID?
    /// What the message is for (`stakeholder`, `reminder`, `notice`), so adapters can place it.
    public var purpose: String
    /// Set for a reply only this person should see (an ephemeral message where the platform has them).
    public var ephemeralUser: UserRef?
    /// Whether the message carries the incident's quick-action buttons.
    public var offersActions: Bool?
    public var createdAt: Date
    /// For an edit: the platform's id of the message it replaces, filled in just before delivery.
    public var replacing: String?
    /// For a message that belongs in the incident's thread: the platform's id of the thread's first message.
    public var threadParent: String?
    /// Where to tell the invoker if the message is refused for good (Slack's `response_url`).
    public var failureNoticeURL: String?

    public init(id: Int, channel: ChannelRef, draft: OutboxDraft, createdAt: Date) {
        self.id = id
        self.channel = channel
        self.text = draft.text
        self.incident = draft.incident
        self.purpose = draft.purpose
        self.ephemeralUser = draft.ephemeralUser
        self.offersActions = draft.offersActions ? true : nil
        self.failureNoticeURL = draft.failureNoticeURL
        self.createdAt = createdAt
    }

    /// A key that is the same for every attempt at this message, for platforms that deduplicate on one.
    public var idempotencyKey: String { "firebell-\(channel.platform)-\(channel.workspace)-\(channel.channel)-\(id)" }
}

/// A message to put in the outbox: what to say, where it belongs, and for whom.
public struct OutboxDraft: Sendable, Equatable {
    public var text: String
    public var incident: IncidentID?
    public var purpose: String
    public var ephemeralUser: UserRef?
    public var offersActions: Bool
    public var failureNoticeURL: String?

    public init(text: String, incident: IncidentID?, purpose: String, ephemeralUser: UserRef? = nil, offersActions: Bool = false) {
        self.offersActions = offersActions
        self.text = text
        self.incident = incident
        self.purpose = purpose
        self.ephemeralUser = ephemeralUser
    }
}
