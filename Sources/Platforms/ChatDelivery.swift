import Foundation
import IncidentKit

/// One message for a platform, rendered from an effect (or a reply to the person who typed a command), with what the
/// platform needs to place it and to recognise a repeat.
package struct OutboundMessage: Sendable, Equatable {
    package enum Kind: Sendable, Equatable {
        /// A new message, placed in the conversation as the effect says.
        case post(Placement)
        /// A rewrite of the incident's headline post (`replacing` names it).
        case edit
        /// A reply only this person should see (ephemeral where the platform has them). Replies are answers, not
        /// effects of the log: they are delivered in order with the channel's posts but kept nowhere.
        case reply(to: UserRef)
        /// A PagerDuty Events API v2 event.
        case pagerDuty(PagerDutyEvent)
        /// A request to the team's tracker about an action item's issue.
        case tracker(TrackerIssue)
        /// Something to do to a war room (create, invite, topic, archive), on the platform of `channel`.
        case warRoom(WarRoomDelivery)
    }

    /// The effect this delivers; nil for a reply.
    package var effect: EffectID?
    /// The same for every attempt at this message, across restarts: the effect's key (Matrix transaction id,
    /// Discord nonce, Slack metadata, Mattermost props).
    package var key: String
    package var channel: ChannelRef
    package var incident: IncidentID?
    package var text: String
    package var kind: Kind
    /// Whether the message carries the incident's quick-action buttons where the platform has them.
    package var offersActions: Bool
    /// When the transaction that implied it was logged (Slack and Mattermost look for it from then on).
    package var plannedAt: Date
    /// For an edit: the platform's id of the headline post, filled in just before delivery.
    package var replacing: String?
    /// For a thread reply: the platform's id of the incident's headline post, filled in just before delivery.
    package var threadParent: String?
    /// Where to tell the invoker if the message is refused for good (Slack's and Mattermost's `response_url`).
    package var failureNoticeURL: String?
    /// An earlier attempt may have reached the platform (it timed out or dropped, or the process restarted before
    /// the delivery was recorded): a platform that can look for the message does so before posting it again.
    package var mayHaveBeenSent = false

    package init(
        effect: EffectID?,
        key: String,
        channel: ChannelRef,
        incident: IncidentID?,
        text: String,
        kind: Kind,
        offersActions: Bool = false,
        plannedAt: Date
    ) {
        self.effect = effect
        self.key = key
        self.channel = channel
        self.incident = incident
        self.text = text
        self.kind = kind
        self.offersActions = offersActions
        self.plannedAt = plannedAt
    }

    /// The person a reply is for.
    package var replyRecipient: UserRef? {
        if case .reply(let user) = kind { user } else { nil }
    }

    /// Where a post goes (nil for edits, replies and PagerDuty events).
    package var placement: Placement? {
        if case .post(let placement) = kind { placement } else { nil }
    }
}

/// What one delivery attempt came to.
package enum DeliveryResult: Sendable, Equatable {
    /// Accepted (or found already there); `reference` is the platform's id for the message (Slack's `ts`), when it
    /// gives one. `quietFor` is set when the platform said its rate-limit bucket is now empty: the channel's next
    /// message waits that many seconds instead of running into a 429.
    case delivered(reference: String?, quietFor: TimeInterval? = nil)
    /// Rate limited: try again after this many seconds.
    case retryAfter(TimeInterval)
    /// A passing failure (5xx, timeout, dropped connection): retry with backoff. The message may have arrived.
    case transient(String)
    /// Refused for good (unknown channel, bot not in channel, bad token): do not retry.
    case permanent(String)
}

/// Sends messages to one platform.
package protocol ChatDelivery: Sendable {
    func deliver(_ message: OutboundMessage) async -> DeliveryResult
    /// Tells the person behind a message that it could not be posted, where the platform allows it.
    func noticeFailure(of message: OutboundMessage, reason: String) async
}

extension ChatDelivery {
    package func noticeFailure(of message: OutboundMessage, reason: String) async {}
}
