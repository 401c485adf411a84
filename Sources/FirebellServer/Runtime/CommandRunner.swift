import Foundation
import IncidentKit
import Logging
import Messaging

/// What every chat adapter does with a command it has verified: run it, queue the channel's posts durably,
/// and hand back the answer for the person who typed it.
struct CommandRunner: Sendable {
    let service: IncidentService
    let outbox: OutboxDispatcher
    let logger: Logger

    /// - Parameter failureNoticeURL: where to tell the invoker if a post is refused for good (`response_url`).
    func run(_ inbound: InboundCommand, markup: Markup, failureNoticeURL: String? = nil) async -> String {
        let outcome = await service.handle(inbound, markup: markup)
        do {
            try await outbox.enqueue(outcome, in: inbound.channel, now: service.clock.now(), failureNoticeURL: failureNoticeURL)
        } catch {
            logger.error("could not queue channel posts", metadata: ["channel": "\(inbound.channel)", "error": "\(error)"])
            return "✓ Recorded, but the channel post could not be queued (\(error)). Ask the operator to check the data folder."
        }
        return outcome.reply ?? outcome.confirmation ?? ""
    }
}
