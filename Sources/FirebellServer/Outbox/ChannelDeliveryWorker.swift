import Foundation
import IncidentKit
import IncidentStore
import Logging
import Messaging
import Platforms

/// Delivers one channel's outbox in order: one message at a time, paced, retried until it is delivered
/// or refused for good. The outbox file is the truth; this actor only drives it.
actor ChannelDeliveryWorker {
    private let outbox: ChannelOutbox
    private let delivery: any ChatDelivery
    private let policy: DeliveryPolicy
    private let logger: Logger
    private let report: @Sendable (DeliveryReport) -> Void
    private var running: Task<Void, Never>?
    private var lastSent: ContinuousClock.Instant?
    /// When the platform's rate-limit bucket for this channel refills, after it said it was empty.
    private var quietUntil: ContinuousClock.Instant?

    init(outbox: ChannelOutbox, delivery: any ChatDelivery, policy: DeliveryPolicy, logger: Logger, report: @escaping @Sendable (DeliveryReport) -> Void) {
        self.outbox = outbox
        self.delivery = delivery
        self.policy = policy
        self.logger = logger
        self.report = report
    }

    var pendingCount: Int { outbox.pending.count }
    var isIdle: Bool { running == nil }

    /// Records the posts durably, then makes sure delivery is under way.
    func enqueue(_ drafts: [OutboxDraft], now: Date) throws {
        try outbox.enqueue(drafts, at: now)
        start()
    }

    func start() {
        guard running == nil, !outbox.pending.isEmpty else { return }
        running = Task { await self.drain() }
    }

    private func drain() async {
        var attempt = 0
        while let message = outbox.pending.first, !Task.isCancelled {
            if let lastSent {
                let wait = max(lastSent + policy.minimumInterval, quietUntil ?? lastSent) - .now
                if wait > .zero { try? await Task.sleep(for: wait) }
            }
            var message = message
            if message.purpose == RenderedPost.Purpose.headline.rawValue {
                guard let incident = message.incident, let reference = outbox.headlineReferences[incident] else {
                    // The Initial Alert never landed (refused for good): there is nothing to edit.
                    settle(message, .failed, detail: "no Initial Alert to edit")
                    continue
                }
                message.replacing = reference
            }
            if inThread(message), let incident = message.incident {
                message.threadParent = outbox.headlineReferences[incident]
            }
            lastSent = .now
            let result = await delivery.deliver(message)
            switch result {
            case .delivered(let reference, let quietFor):
                attempt = 0
                quietUntil = quietFor.map { .now + min(Duration.milliseconds(Int64($0 * 1000)), policy.retryAfterCap) }
                if message.purpose == RenderedPost.Purpose.alert.rawValue, let incident = message.incident, let reference {
                    do { try outbox.recordHeadline(reference, for: incident) } catch {
                        logger.error("could not remember the Initial Alert's id; later edits of it will be skipped", metadata: ["error": "\(error)"])
                    }
                }
                settle(message, .delivered, detail: reference)
            case .permanent(let reason):
                attempt = 0
                logger.error("delivery refused for good", metadata: ["channel": "\(message.channel)", "message": "\(message.id)", "reason": "\(reason)"])
                settle(message, .failed, detail: reason)
                await delivery.noticeFailure(of: message, reason: reason)
            case .retryAfter(let seconds):
                report(.rateLimited(message.channel))
                let wait = min(Duration.milliseconds(Int64(seconds * 1000)), policy.retryAfterCap)
                logger.warning("rate limited", metadata: ["channel": "\(message.channel)", "retry_after_s": "\(seconds)"])
                try? await Task.sleep(for: wait)
            case .transient(let reason):
                attempt += 1
                report(.retried(message.channel))
                let wait = policy.backoff(attempt: attempt)
                logger.warning("delivery failed, will retry", metadata: ["channel": "\(message.channel)", "attempt": "\(attempt)", "reason": "\(reason)"])
                try? await Task.sleep(for: wait)
            }
        }
        running = nil
        // A message enqueued while the loop was finishing starts a new one.
        start()
    }

    private func settle(_ message: OutboxMessage, _ outcome: OutboxOutcome, detail: String?) {
        do {
            try outbox.settle(message.id, outcome: outcome, detail: detail, at: Date())
            report(outcome == .delivered ? .delivered(message.channel) : .failed(message.channel, detail ?? ""))
        } catch {
            // Not marked: it stays pending and is delivered again after a restart (at least once).
            logger.error("could not mark a delivered message", metadata: ["channel": "\(message.channel)", "error": "\(error)"])
        }
    }

    func stop() { running?.cancel() }

    /// Reminders keep to one thread per incident; stakeholder posts too when configured so.
    private func inThread(_ message: OutboxMessage) -> Bool {
        guard message.ephemeralUser == nil else { return false }
        switch message.purpose {
        case RenderedPost.Purpose.reminder.rawValue: return true
        case RenderedPost.Purpose.stakeholder.rawValue: return policy.stakeholderPostsInThread
        default: return false
        }
    }
}

/// A delivery event, for metrics and logs.
public enum DeliveryReport: Sendable, Equatable {
    case delivered(ChannelRef)
    case failed(ChannelRef, String)
    case retried(ChannelRef)
    case rateLimited(ChannelRef)
}
