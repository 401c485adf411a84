import Foundation
import IncidentKit
import IncidentStore
import Logging
import Messaging
import Platforms
import Synchronization

/// The outbox of every channel: posts are recorded durably before anything is sent, delivered in order
/// per channel, in parallel across channels, and resumed after a restart.
public final class OutboxDispatcher: Sendable {
    private let root: URL
    private let deliveries: [String: any ChatDelivery]
    private let policy: DeliveryPolicy
    private let logger: Logger
    private let workers = Mutex<[ChannelRef: ChannelDeliveryWorker]>([:])
    private let report: @Sendable (DeliveryReport) -> Void

    /// - Parameter deliveries: how to deliver, by platform (`slack`, …); posts to other platforms are not queued.
    public init(dataDirectory: URL, deliveries: [String: any ChatDelivery], policy: DeliveryPolicy = DeliveryPolicy(), logger: Logger,
                report: @escaping @Sendable (DeliveryReport) -> Void = { _ in }) {
        root = dataDirectory.appendingPathComponent("outbox", isDirectory: true)
        self.deliveries = deliveries
        self.policy = policy
        self.logger = logger
        self.report = report
    }

    /// Loads every outbox with undelivered messages and starts delivering them.
    public func resume() async throws {
        let layout = DataLayout(root: root.deletingLastPathComponent())
        guard let enumerator = FileManager.default.enumerator(at: root, includingPropertiesForKeys: nil) else { return }
        let files = enumerator.compactMap { $0 as? URL }.filter { $0.pathExtension == "jsonl" }
        for file in files {
            guard let channel = layout.channel(forOutboxFile: file), deliveries[channel.platform] != nil else { continue }
            let worker = try worker(for: channel)
            await worker.start()
        }
    }

    /// Records posts for `channel` durably; returns once they are on disk (delivery happens after).
    /// - Parameter failureNoticeURL: where to tell the invoker if a post is refused for good (Slack's `response_url`).
    public func enqueue(_ posts: [RenderedPost], in channel: ChannelRef, now: Date, failureNoticeURL: String? = nil) async throws {
        guard !posts.isEmpty, deliveries[channel.platform] != nil else { return }
        let drafts = posts.map { post in
            var draft = OutboxDraft(text: post.text, incident: post.incident, purpose: post.purpose.rawValue, offersActions: post.offersActions)
            draft.failureNoticeURL = failureNoticeURL
            return draft
        }
        try await worker(for: channel).enqueue(drafts, now: now)
    }

    /// Records a command's channel posts, then the copies for its audience channels.
    public func enqueue(_ outcome: CommandOutcome, in channel: ChannelRef, now: Date, failureNoticeURL: String? = nil) async throws {
        try await enqueue(outcome.posts, in: channel, now: now, failureNoticeURL: failureNoticeURL)
        try await enqueue(outcome.audiencePosts, now: now)
    }

    /// Records posts addressed to several channels, each channel's in order.
    public func enqueue(_ addressed: [AddressedPosts], now: Date) async throws {
        for group in addressed { try await enqueue(group.posts, in: group.channel, now: now) }
    }

    /// Records a reply that only `user` should see, delivered like the channel's other messages.
    public func enqueueReply(_ text: String, to user: UserRef, in channel: ChannelRef, now: Date) async throws {
        guard deliveries[channel.platform] != nil else { return }
        try await worker(for: channel).enqueue([OutboxDraft(text: text, incident: nil, purpose: "reply", ephemeralUser: user)], now: now)
    }

    /// Messages not yet delivered, across all channels.
    public func depth() async -> Int {
        var total = 0
        for worker in workers.withLock({ Array($0.values) }) { total += await worker.pendingCount }
        return total
    }

    /// Waits until every outbox is empty or `timeout` passes; returns whether everything was delivered.
    public func flush(timeout: Duration) async -> Bool {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            if await depth() == 0 { return true }
            try? await Task.sleep(for: .milliseconds(20))
        }
        return await depth() == 0
    }

    /// Stops delivering; what is pending stays in the outbox for the next start.
    public func stop() async {
        for worker in workers.withLock({ Array($0.values) }) { await worker.stop() }
    }

    private func worker(for channel: ChannelRef) throws -> ChannelDeliveryWorker {
        try workers.withLock { workers in
            if let existing = workers[channel] { return existing }
            let url = DataLayout(root: root.deletingLastPathComponent()).outboxFile(for: channel)
            let worker = ChannelDeliveryWorker(outbox: try ChannelOutbox(channel: channel, url: url), delivery: deliveries[channel.platform]!,
                                               policy: policy, logger: logger, report: report)
            workers[channel] = worker
            return worker
        }
    }
}
