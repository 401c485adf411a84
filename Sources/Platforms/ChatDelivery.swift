import Foundation
import IncidentKit

/// What one delivery attempt came to.
public enum DeliveryResult: Sendable, Equatable {
    /// Accepted; `reference` is the platform's id for the message (Slack's `ts`), when it gives one.
    /// `quietFor` is set when the platform said its rate-limit bucket is now empty: the channel's next message
    /// waits that many seconds instead of running into a 429.
    case delivered(reference: String?, quietFor: TimeInterval? = nil)
    /// Rate limited: try again after this many seconds.
    case retryAfter(TimeInterval)
    /// A passing failure (5xx, timeout, dropped connection): retry with backoff.
    case transient(String)
    /// Refused for good (unknown channel, bot not in channel, bad token): do not retry.
    case permanent(String)
}

/// Sends one outbox message to a chat platform.
public protocol ChatDelivery: Sendable {
    func deliver(_ message: OutboxMessage) async -> DeliveryResult
    /// Tells the person behind a message that it could not be posted, where the platform allows it.
    func noticeFailure(of message: OutboxMessage, reason: String) async
}

extension ChatDelivery {
    public func noticeFailure(of message: OutboxMessage, reason: String) async {}
}
