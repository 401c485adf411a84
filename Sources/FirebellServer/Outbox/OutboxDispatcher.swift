import Foundation
import IncidentKit
import IncidentStore
import Logging
import Messaging
import NIOPosix
import Platforms
import Synchronization

/// Delivers what transactions imply. The outbox is a projection of the log: effects arrive in memory from each
/// transaction (in the channel's turn, so in log order), are delivered in order per destination, in parallel across
/// destinations, and each settlement is recorded in its source channel's `DeliveryLedger`. After a restart the
/// service plans again, from the logs, every effect a ledger does not show settled, so nothing that reached a log
/// is lost; the platforms' idempotency keys and look-ups keep it from arriving twice.
package final class OutboxDispatcher: DeliveryRecovery {
    private let layout: DataLayout
    private let deliveries: [PlatformID: any ChatDelivery]
    private let pagerDuty: (any ChatDelivery)?
    private let tracker: (any ChatDelivery)?
    /// How the tracker's answers reach the incidents' logs, once the service exists.
    private let trackerBridge = Mutex<TrackerBridge?>(nil)
    /// How a platform's answer to a war room's creation reaches the logs, once the service exists.
    private let warRoomBridge = Mutex<WarRoomBridge?>(nil)
    private let policy: DeliveryPolicy
    private let logger: Logger
    private let report: @Sendable (DeliveryReport) -> Void
    private let ledgers = Mutex<[ChannelRef: DeliveryLedger]>([:])
    private let workers = Mutex<[Destination: DestinationWorker]>([:])
    /// Where each incident's headline post landed, per conversation (from every ledger).
    private let headlines = Mutex<[HeadlineKey: String]>([:])
    private let baseline = Mutex(DeliveryBaseline())
    /// Where the baseline and the ledgers are kept: the data folder, or (on a cluster) etcd, loaded afresh each
    /// time this replica is elected.
    private let bookkeeping: Mutex<any DeliveryBookkeeping>
    /// Whether this process delivers: always on the data folder; on a cluster, while it is the elected leader.
    private let active: Atomic<Bool>
    /// Nothing sent before this process started can be closer than this to what it sends.
    private let started = ContinuousClock.now
    /// The threads settlements are written on (see ``settleOffThePool(_:_:reference:)``), started once for the
    /// process; as many as settlements may wait for a slow disk at once before the next waits for a thread.
    private static let settlementThreads: NIOThreadPool = {
        let pool = NIOThreadPool(numberOfThreads: 8)
        pool.start()
        return pool
    }()

    /// - Parameters:
    ///   - deliveries: how to deliver, by platform (`slack`, …); effects for other platforms are dropped.
    ///   - pagerDuty: how to deliver PagerDuty events, when configured.
    ///   - tracker: how to reach the team's tracker (Jira, Linear, GitHub), when configured.
    ///   - leaderOnly: deliver only between ``activate(_:lastSequences:)`` and ``deactivate()`` (a replica on a
    ///     cluster, while it is the elected leader).
    package init(
        dataDirectory: URL,
        deliveries: [PlatformID: any ChatDelivery],
        pagerDuty: (any ChatDelivery)? = nil,
        tracker: (any ChatDelivery)? = nil,
        policy: DeliveryPolicy = DeliveryPolicy(),
        leaderOnly: Bool = false,
        logger: Logger,
        report: @escaping @Sendable (DeliveryReport) -> Void = { _ in }
    ) {
        layout = DataLayout(root: dataDirectory)
        bookkeeping = Mutex(FolderBookkeeping(layout: layout))
        active = Atomic(!leaderOnly)
        self.deliveries = deliveries
        self.pagerDuty = pagerDuty
        self.tracker = tracker
        self.policy = policy
        self.logger = logger
        self.report = report
    }

    // MARK: Start-up

    /// Reads the ledgers and the baseline, and queues what a legacy outbox file still holds. `lastSequences` is
    /// every channel's last logged sequence: a platform delivered to for the first time owes nothing from before.
    /// Returns how many ledger lines were damaged.
    @discardableResult
    package func prepare(lastSequences: [ChannelRef: Int]) throws -> Int {
        let bookkeeping = bookkeeping.withLock { $0 }
        let stored = bookkeeping.baseline()
        var known = stored ?? DeliveryBaseline()
        for platform in deliveries.keys.sorted() where !known.platforms.contains(platform.name) {
            known.platforms.insert(platform.name)
            for (channel, last) in lastSequences where channel.platform == platform { known.channels[channel.description] = last }
        }
        if tracker != nil, known.tracker == nil {
            // The tracker is configured for the first time: the action items of the folder's history get no issues.
            known.tracker = Dictionary(uniqueKeysWithValues: lastSequences.map { ($0.key.description, $0.value) })
        }
        if known != stored { try bookkeeping.saveBaseline(known) }
        baseline.withLock { $0 = known }
        var damaged = 0
        for (channel, location) in bookkeeping.ledgers() {
            let ledger = try DeliveryLedger(channel: channel, journal: bookkeeping.journal(for: channel))
            damaged += ledger.damagedLines
            if ledger.damagedLines > 0 {
                logger.warning(
                    "skipped damaged lines of a delivery ledger; their effects may be delivered once more",
                    metadata: ["file": "\(location)"]
                )
            }
            ledgers.withLock { $0[channel] = ledger }
            headlines.withLock { $0.merge(ledger.headlines) { _, new in new } }
        }
        resumeLegacy()
        return damaged
    }

    /// Delivers, first, what an outbox file written by an earlier version still held.
    private func resumeLegacy() {
        for legacy in LegacyOutbox.all(in: layout) {
            headlines.withLock { book in
                for (incident, reference) in legacy.headlineReferences { book[HeadlineKey(channel: legacy.channel, incident: incident)] = reference }
            }
            let items = legacy.pending.compactMap { old -> QueuedMessage? in
                guard let kind = Self.kind(of: old) else { return nil }
                var message = OutboundMessage(
                    effect: nil,
                    key: "firebell-\(old.channel.platform)-\(old.channel.workspace)-\(old.channel.channel)-\(old.id)",
                    channel: old.channel,
                    incident: old.incident,
                    text: old.text,
                    kind: kind,
                    offersActions: old.offersActions == true,
                    plannedAt: old.createdAt
                )
                message.mayHaveBeenSent = true
                return QueuedMessage(message: message, legacy: (legacy, old.id))
            }
            if !items.isEmpty {
                logger.info("delivering what an outbox file of an earlier version still held", metadata: ["messages": "\(items.count)"])
            }
            for item in items { worker(for: item.message)?.enqueue([item]) }
        }
    }

    private static func kind(of old: LegacyOutboxMessage) -> OutboundMessage.Kind? {
        if old.channel.platform == .pagerDuty {
            return (try? JSONDecoder().decode(PagerDutyEvent.self, from: Data(old.text.utf8))).map { .pagerDuty($0) }
        }
        if let user = old.ephemeralUser { return .reply(to: user) }
        switch old.purpose {
        case "alert": return .post(.headline)
        case "headline": return .edit
        case "reminder": return .post(.thread)
        default: return .post(.channel)
        }
    }

    // MARK: DeliveryRecovery

    /// Whether anything may be owed for `channel`: its platform is delivered to, or the tracker is configured (its
    /// requests come from any platform's channels).
    package func delivers(to channel: ChannelRef) -> Bool {
        active.load(ordering: .acquiring) && (deliveries[channel.platform] != nil || tracker != nil)
    }

    package func trackerStart(of channel: ChannelRef) -> Int { baseline.withLock { $0.trackerStart(of: channel) } }

    package func watermark(of channel: ChannelRef) -> Int {
        max(ledger(for: channel)?.watermark ?? 0, baseline.withLock { $0.start(of: channel) })
    }

    /// Whether the effect is settled, or already with delivery in this process (so not to be handed over again).
    package func isSettled(_ id: EffectID) -> Bool { ledger(for: id.channel)?.isSettledOrPending(id) ?? false }

    // MARK: EffectSink

    package func accept(_ messages: [OutboundMessage], transactionEnd: Int, from channel: ChannelRef) {
        // A replica that does not lead delivers nothing: the leader plans these from the log and delivers them.
        guard active.load(ordering: .acquiring) else { return }
        // A message for a platform nothing delivers to is dropped here, in memory: it owes nothing, and no disk write
        // may stand in a channel's turn. (A restart plans it again and drops it again.)
        let deliverable = messages.compactMap { message in worker(for: message).map { (message, $0) } }
        guard !deliverable.isEmpty else { return }
        ledger(for: channel)?.expect(deliverable.compactMap(\.0.effect), transactionEnd: transactionEnd)
        for (message, worker) in deliverable { worker.enqueue([QueuedMessage(message: message)]) }
    }

    /// Whether this replica delivers to `destination` now: it leads, and the destination's platform, PagerDuty or
    /// the tracker is configured.
    package func delivers(to destination: Destination) -> Bool {
        active.load(ordering: .acquiring) && delivery(for: destination) != nil
    }

    /// What delivers to `destination`: the platform's delivery, PagerDuty or the tracker, when configured.
    private func delivery(for destination: Destination) -> (any ChatDelivery)? {
        switch destination {
        case .chat(let channel): deliveries[channel.platform]
        case .pagerDuty: pagerDuty
        case .tracker: tracker
        }
    }

    package func reply(_ message: OutboundMessage) {
        worker(for: message)?.enqueue([QueuedMessage(message: message)])
    }

    // MARK: Delivery

    /// Messages queued and not yet delivered, across all destinations.
    package func depth() -> Int {
        workers.withLock { Array($0.values) }.reduce(0) { $0 + $1.pendingCount }
    }

    /// Waits until everything queued is delivered or `timeout` passes; returns whether everything was.
    package func flush(timeout: Duration) async -> Bool {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            if depth() == 0 { return true }
            try? await Task.sleep(for: .milliseconds(20))
        }
        return depth() == 0
    }

    /// Stops delivering, and compacts the ledgers so the next start has little to plan again. What is pending is
    /// planned again from the logs at the next start.
    package func stop() {
        halt()
        for ledger in ledgers.withLock({ Array($0.values) }) {
            do { try ledger.compact() } catch { logger.warning("could not compact a delivery ledger", metadata: ["error": "\(error)"]) }
        }
    }

    /// Stops delivering at once, as a crash would: nothing is compacted.
    func halt() {
        for worker in workers.withLock({ Array($0.values) }) { worker.stop() }
    }

    // MARK: Leadership

    /// This replica was elected: deliver from now on, with the baseline and ledgers as `bookkeeping` holds them now
    /// (what the last leader settled). The service then hands over what the logs still owe. Returns how many ledger
    /// lines were damaged.
    @discardableResult
    package func activate(_ bookkeeping: any DeliveryBookkeeping, lastSequences: [ChannelRef: Int]) throws -> Int {
        self.bookkeeping.withLock { $0 = bookkeeping }
        ledgers.withLock { $0 = [:] }
        headlines.withLock { $0 = [:] }
        let damaged = try prepare(lastSequences: lastSequences)
        active.store(true, ordering: .releasing)
        return damaged
    }

    /// This replica no longer leads: stop delivering at once and forget what is queued (the next leader delivers
    /// it from the log and the shared ledgers).
    package func deactivate() {
        active.store(false, ordering: .releasing)
        let stopped = workers.withLock { workers in
            defer { workers = [:] }
            return Array(workers.values)
        }
        for worker in stopped { worker.stop() }
    }

    /// Settles on a thread of its own and waits for it without holding one. A settlement on the data folder is a
    /// synced write: on Swift's pool (as many threads as cores) two deliveries settling on a slow disk would stop
    /// every command of a 2-core server until their syncs return. Not on Dispatch's global pool either: on Linux
    /// `Task.sleep` resumes through it, and it grows by one thread a second once its threads wait, so settlements
    /// waiting there for a disk delayed every timer of the process (pacing, retries, the etcd lease's keep-alive)
    /// and queued behind anything else that blocked there.
    private func settleOffThePool(_ item: QueuedMessage, _ outcome: DeliveryOutcome, reference: String?) async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            // The pool is never shut down, so the item always runs (`.active`); a settlement is never skipped.
            Self.settlementThreads.submit { _ in
                self.settle(item, outcome, reference: reference)
                continuation.resume()
            }
        }
    }

    private func settle(_ item: QueuedMessage, _ outcome: DeliveryOutcome, reference: String?) {
        if let legacy = item.legacy {
            legacy.outbox.settle(legacy.id)
            return
        }
        guard let id = item.message.effect else { return }
        var key: HeadlineKey?
        if item.message.placement == .headline, let incident = item.message.incident {
            key = HeadlineKey(channel: item.message.channel, incident: incident)
        }
        if let key, let reference { headlines.withLock { $0[key] = reference } }
        do {
            try ledger(for: id.channel)?.settle(id, outcome: outcome, reference: reference, headline: key, at: Date())
        } catch {
            // Not recorded: the effect is planned again after a restart, and found at the platform or sent again.
            logger.error("could not record a delivery", metadata: ["effect": "\(id)", "error": "\(error)"])
        }
    }

    private func headline(_ key: HeadlineKey) -> String? { headlines.withLock { $0[key] } }

    // MARK: Tracker

    /// Connects the tracker's answers to the incidents' logs.
    package func connect(_ bridge: TrackerBridge) { trackerBridge.withLock { $0 = bridge } }

    /// Connects the platforms' answers to war rooms' creation to the incidents' logs.
    package func connect(_ bridge: WarRoomBridge) { warRoomBridge.withLock { $0 = bridge } }

    /// Records a war room's creation (or its final refusal) before the delivery is settled: a crash in between
    /// creates nothing twice (the platform finds the channel an earlier attempt made) and records nothing twice.
    private func warRoomAnswered(_ message: OutboundMessage, _ result: DeliveryResult) async -> Bool {
        guard case .warRoom(let request) = message.kind, case .create(let war) = request.action, let bridge = warRoomBridge.withLock({ $0 })
        else { return true }
        let answer: WarRoomAnswer
        switch result {
        case .delivered(let reference, _):
            guard let created = reference.flatMap(WarRoomDelivery.created) else { return true }
            let room = ChannelRef(platform: message.channel.platform, workspace: message.channel.workspace, channel: created.channel)
            answer = WarRoomAnswer(request: war, result: .opened(room, name: created.name))
        case .permanent(let reason):
            answer = WarRoomAnswer(request: war, result: .refused(reason))
        default:
            return true
        }
        return await bridge.answer(message.channel, answer, message.key)
    }

    /// Gives a tracker request the issue the item is linked to now (its create may have been answered after the
    /// request was planned, or before a restart).
    private func prepareTrackerRequest(_ message: OutboundMessage) async -> OutboundMessage {
        guard case .tracker(var issue) = message.kind, issue.link == nil, let bridge = trackerBridge.withLock({ $0 }) else { return message }
        issue.link = await bridge.link(message.channel, issue.incident, issue.item)
        var prepared = message
        prepared.kind = .tracker(issue)
        return prepared
    }

    /// Records the tracker's final answer to a create in the incident's log, before the delivery is settled: a
    /// crash in between finds the issue again (by the link, or by its marker) instead of creating another.
    /// Returns whether the answer is recorded (or needs no record).
    private func trackerAnswered(_ message: OutboundMessage, _ result: DeliveryResult) async -> Bool {
        guard case .tracker(let issue) = message.kind, issue.action == .create, let bridge = trackerBridge.withLock({ $0 }) else { return true }
        switch result {
        case .delivered(let reference, _):
            guard let link = reference.flatMap(TrackerLink.init(reference:)) else { return true }
            return await bridge.answer(message.channel, TrackerAnswer(incident: issue.incident, item: issue.item, result: .created(link)))
        case .permanent(let reason):
            return await bridge.answer(message.channel, TrackerAnswer(incident: issue.incident, item: issue.item, result: .refused(reason)))
        default:
            return true
        }
    }

    private func ledger(for channel: ChannelRef) -> DeliveryLedger? {
        ledgers.withLock { ledgers in
            if let existing = ledgers[channel] { return existing }
            do {
                let opened = try DeliveryLedger(channel: channel, journal: bookkeeping.withLock { $0 }.journal(for: channel))
                ledgers[channel] = opened
                return opened
            } catch {
                logger.error("could not open a delivery ledger", metadata: ["channel": "\(channel)", "error": "\(error)"])
                return nil
            }
        }
    }

    private func worker(for message: OutboundMessage) -> DestinationWorker? {
        let destination: Destination =
            switch message.kind {
            case .pagerDuty: .pagerDuty
            case .tracker: .tracker
            default: .chat(message.channel)
            }
        guard let delivery = delivery(for: destination) else { return nil }
        return workers.withLock { workers in
            if let existing = workers[destination] { return existing }
            let worker = DestinationWorker(
                destination: destination,
                delivery: delivery,
                policy: policy,
                logger: logger,
                lastSent: started,
                report: report,
                headline: { [weak self] key in self?.headline(key) },
                prepare: { [weak self] message in await self?.prepareTrackerRequest(message) ?? message },
                answered: { [weak self] message, result in
                    guard let self else { return true }
                    if case .warRoom = message.kind { return await self.warRoomAnswered(message, result) }
                    return await self.trackerAnswered(message, result)
                },
                settle: { [weak self] item, outcome, reference in await self?.settleOffThePool(item, outcome, reference: reference) }
            )
            workers[destination] = worker
            return worker
        }
    }
}
