import Foundation
import IncidentKit
import IncidentStore
import Logging
import Platforms
import Synchronization

/// One message waiting for its destination, and where its settlement is recorded.
struct QueuedMessage: Sendable {
    var message: OutboundMessage
    /// For a message from a legacy outbox file: that file, settled there instead of in a ledger.
    var legacy: (outbox: LegacyOutbox, id: Int)?
}

/// Delivers one destination's messages in order: one at a time, paced, retried until delivered or refused for good.
/// Fed in memory by transactions (and at start-up by what the logs still owe); settles each message through `settle`.
final class DestinationWorker: Sendable {
    private struct State {
        var queue: [QueuedMessage] = []
        var running: Task<Void, Never>?
        var lastSent: ContinuousClock.Instant
        /// When the platform's rate-limit bucket refills, after it said it was empty.
        var quietUntil: ContinuousClock.Instant?
    }

    let destination: Destination
    private let delivery: any ChatDelivery
    private let policy: DeliveryPolicy
    private let logger: Logger
    private let report: @Sendable (DeliveryReport) -> Void
    private let headline: @Sendable (HeadlineKey) -> String?
    private let prepare: @Sendable (OutboundMessage) async -> OutboundMessage
    private let answered: @Sendable (OutboundMessage, DeliveryResult) async -> Bool
    private let settle: @Sendable (QueuedMessage, DeliveryOutcome, String?) async -> Void
    private let state: Mutex<State>

    /// - Parameters:
    ///   - lastSent: when the previous message to this destination may have gone (the process start, so pacing holds
    ///     across a restart: nothing sent before the restart can be closer than that).
    ///   - prepare: fills in what is known only at delivery (a tracker issue's key).
    ///   - answered: hears a final answer before it is settled (a tracker's answer goes into the incident's log
    ///     first); false when it could not be recorded, and the message is tried again.
    init(
        destination: Destination,
        delivery: any ChatDelivery,
        policy: DeliveryPolicy,
        logger: Logger,
        lastSent: ContinuousClock.Instant,
        report: @escaping @Sendable (DeliveryReport) -> Void,
        headline: @escaping @Sendable (HeadlineKey) -> String?,
        prepare: @escaping @Sendable (OutboundMessage) async -> OutboundMessage = { $0 },
        answered: @escaping @Sendable (OutboundMessage, DeliveryResult) async -> Bool = { _, _ in true },
        settle: @escaping @Sendable (QueuedMessage, DeliveryOutcome, String?) async -> Void
    ) {
        self.destination = destination
        self.delivery = delivery
        self.policy = policy
        self.logger = logger
        self.report = report
        self.headline = headline
        self.prepare = prepare
        self.answered = answered
        self.settle = settle
        state = Mutex(State(lastSent: lastSent))
    }

    /// Messages queued or being delivered.
    var pendingCount: Int { state.withLock { $0.queue.count } }

    func enqueue(_ messages: [QueuedMessage]) {
        guard !messages.isEmpty else { return }
        state.withLock { state in
            state.queue += messages
            if state.running == nil { state.running = Task { await self.drain() } }
        }
    }

    func stop() { state.withLock { $0.running?.cancel() } }

    private func drain() async {
        var attempt = 0
        while !Task.isCancelled {
            let next: (QueuedMessage, ContinuousClock.Instant)? = state.withLock { state in
                guard let first = state.queue.first else {
                    state.running = nil
                    return nil
                }
                return (first, max(state.lastSent + policy.minimumInterval, state.quietUntil ?? state.lastSent))
            }
            guard let next else { return }
            var item = next.0
            let notBefore = next.1
            let wait = notBefore - .now
            if wait > .zero { try? await Task.sleep(for: wait) }
            if let incident = item.message.incident {
                let key = HeadlineKey(channel: item.message.channel, incident: incident)
                switch item.message.kind {
                case .edit:
                    guard let reference = headline(key) else {
                        // The Initial Alert never landed (refused for good): there is nothing to edit.
                        await finish(item, .failed, detail: "no Initial Alert to edit")
                        continue
                    }
                    item.message.replacing = reference
                case .post(.thread):
                    item.message.threadParent = headline(key)
                default:
                    break
                }
            }
            item.message = await prepare(item.message)
            let result = await delivery.deliver(item.message)
            // Paced from the end of the attempt: a look-up before the post, or a slow answer, never lets two posts
            // arrive closer than the interval.
            state.withLock { $0.lastSent = .now }
            switch result {
            case .delivered(let reference, let quietFor):
                guard await answered(item.message, result) else {
                    await retryUnrecorded(item, attempt: &attempt)
                    continue
                }
                attempt = 0
                state.withLock { $0.quietUntil = quietFor.map { .now + min(Duration.milliseconds(Int64($0 * 1000)), policy.retryAfterCap) } }
                await finish(item, .delivered, detail: reference)
            case .permanent(let reason):
                attempt = 0
                logger.error(
                    "delivery refused for good",
                    metadata: ["destination": "\(destination)", "key": "\(item.message.key)", "reason": "\(reason)"]
                )
                guard await answered(item.message, result) else {
                    await retryUnrecorded(item, attempt: &attempt)
                    continue
                }
                await finish(item, .failed, detail: reason)
                await delivery.noticeFailure(of: item.message, reason: reason)
            case .retryAfter(let seconds):
                report(.rateLimited(destination))
                logger.warning("rate limited", metadata: ["destination": "\(destination)", "retry_after_s": "\(seconds)"])
                try? await Task.sleep(for: min(Duration.milliseconds(Int64(seconds * 1000)), policy.retryAfterCap))
            case .transient(let reason):
                attempt += 1
                // The request may have been processed before it failed: look before posting again.
                markMaybeSent(item.message.key)
                report(.retried(destination))
                logger.warning(
                    "delivery failed, will retry",
                    metadata: ["destination": "\(destination)", "attempt": "\(attempt)", "reason": "\(reason)"]
                )
                try? await Task.sleep(for: policy.backoff(attempt: attempt))
            }
        }
        state.withLock { $0.running = nil }
    }

    /// The answer could not be written to the log (a full disk): the delivery stays owed and is tried again, and
    /// finds what it made the first time.
    private func retryUnrecorded(_ item: QueuedMessage, attempt: inout Int) async {
        attempt += 1
        markMaybeSent(item.message.key)
        logger.warning("could not record the answer; will ask again", metadata: ["destination": "\(destination)", "key": "\(item.message.key)"])
        try? await Task.sleep(for: policy.backoff(attempt: attempt))
    }

    private func markMaybeSent(_ key: String) {
        state.withLock { state in
            if state.queue.first?.message.key == key { state.queue[0].message.mayHaveBeenSent = true }
        }
    }

    /// Settles the first message and takes it off the queue.
    private func finish(_ item: QueuedMessage, _ outcome: DeliveryOutcome, detail: String?) async {
        await settle(item, outcome, outcome == .delivered ? detail : nil)
        report(outcome == .delivered ? .delivered(destination) : .failed(destination, detail ?? ""))
        state.withLock { state in
            if state.queue.first?.message.key == item.message.key { state.queue.removeFirst() }
        }
    }
}

/// A delivery event, for metrics and logs.
package enum DeliveryReport: Sendable, Equatable {
    case delivered(Destination)
    case failed(Destination, String)
    case retried(Destination)
    case rateLimited(Destination)
}
