import Foundation
import IncidentKit

/// How an outbox message ended.
public enum OutboxOutcome: String, Codable, Sendable {
    case delivered
    /// The platform refused it for good (unknown channel, bot not invited, bad token): not retried.
    case failed
}

/// One line of an outbox file.
enum OutboxEntry: Codable {
    case queued(OutboxMessage)
    case settled(id: Int, outcome: OutboxOutcome, detail: String?, at: Date)
}
