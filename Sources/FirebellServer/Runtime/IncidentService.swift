import Foundation
import IncidentKit
import IncidentStore
import Logging
import Messaging
import Platforms
import Synchronization

/// The heart of the shell: turns inbound command text into durable events and rendered answers,
/// one serialized runtime per channel, channels in parallel.
package final class IncidentService: ChannelTransactions {
    /// Where the events are kept: the data folder, or etcd.
    package let store: any EventStore
    /// What start-up repaired or quarantined in the data folder.
    package let startupRepairs: [LogRepair]
    private let dependencies: RuntimeDependencies
    /// The clock commands and timers read; the timer loop sleeps on it.
    package let clock: any SchedulerClock
    /// Signalled when a deadline earlier than every other is armed, so the sleeper re-plans.
    package let wake: WakeSignal
    private let logger: Logger
    private let runtimes: Mutex<[ChannelRef: ChannelRuntime]>
    private let unavailable: [ChannelRef: UnavailableChannel]
    /// Where command and timer figures go, when the service is observed (`firebell serve`).
    package let metrics: FirebellMetrics?

    /// What start-up found damaged in the logs (each line skipped, kept in a side file); `/readyz` reports it.
    package let damagedLines: [LogRepair]

    /// Opens the data folder: loads every channel, cutting torn tails and keeping damaged lines aside.
    /// - Parameters:
    ///   - pagerDuty: whether pages become PagerDuty events; `tracker`: whether action items become tracker issues.
    ///   - sink: where each transaction's effects go for delivery (nil: nowhere).
    ///   - directMessagePlatforms: platforms on which a person can be messaged by id.
    ///   - committer: what makes appends to the data folder durable (tests hold one to keep a channel's turn taken).
    ///   - store: the store, opened (etcd); nil opens the configuration's data folder.
    package init(
        configuration: FirebellConfiguration,
        clock: any SchedulerClock = SystemWallClock(),
        logger: Logger,
        metrics: FirebellMetrics? = nil,
        pagerDuty: Bool = false,
        tracker: Bool = false,
        sink: (any EffectSink)? = nil,
        directMessagePlatforms: Set<PlatformID> = Platforms.directMessagePlatforms,
        committer: GroupCommit? = nil,
        store opened: OpenedStore? = nil
    ) throws {
        var opened = opened
        if opened == nil {
            let (files, idRepair) = try FileEventStore.open(DataLayout(root: configuration.dataDirectory), now: clock.now(), committer: committer)
            if let idRepair { logger.warning("\(idRepair)") }
            opened = files
        }
        guard let opened else { throw StoreError("no store") }
        let store = opened.store
        let loaded = opened.loaded
        for repair in loaded.repairs { logger.warning("\(repair)") }
        for (channel, reason) in loaded.unavailable { logger.error("channel \(channel) is unavailable: \(reason)") }
        let templates = try TemplateLibrary(overrides: configuration.templatesDirectory)
        let wake = WakeSignal()
        let engine = configuration.engine
        let renderer = MessageRenderer(
            templates: templates,
            severities: engine.severities,
            oncall: engine.oncall,
            runbooks: configuration.runbooks,
            briefings: configuration.briefings,
            businessHours: engine.businessHours
        )
        let policy = EffectPolicy(
            severities: engine.severities,
            channels: configuration.stakeholderChannels,
            directMessagePlatforms: directMessagePlatforms,
            pagerDuty: pagerDuty,
            tracker: tracker,
            stakeholderPostsInThread: configuration.statusUpdatesInThread,
            briefings: configuration.briefings
        )
        let dependencies = RuntimeDependencies(
            engine: IncidentEngine(configuration: engine),
            planner: EffectPlanner(policy: policy),
            deadlinePlanner: DeadlinePlanner(configuration: engine),
            effectRenderer: EffectRenderer(renderer: renderer),
            ids: store.incidentIDs,
            deliveryEpoch: DeliveryEpoch(),
            views: ViewRenderer(engine: engine, runbooks: configuration.runbooks),
            readModel: ReadModel(),
            deadlines: DeadlineIndex(),
            wake: wake,
            sink: sink,
            logger: logger
        )
        let now = clock.now()
        var runtimes: [ChannelRef: ChannelRuntime] = [:]
        for (channel, fold) in loaded.channels {
            runtimes[channel] = ChannelRuntime(
                channel: channel,
                fold: fold,
                storage: store.log(for: channel),
                unavailableReason: nil,
                dependencies: dependencies,
                now: now
            )
        }
        self.store = store
        self.startupRepairs = loaded.repairs
        self.damagedLines = loaded.damagedLines
        self.lastSequencesAtStart = loaded.channels.mapValues(\.lastSequence)
        self.dependencies = dependencies
        self.clock = clock
        self.wake = wake
        self.logger = logger
        self.runtimes = Mutex(runtimes)
        self.unavailable = loaded.unavailable
        self.metrics = metrics
        metrics?.damagedLogLines(loaded.damagedLines.count)
    }

    /// Runs one input as its channel's transaction and returns the answer: the one way in for every command, button,
    /// form, event, message, alert and timer. The answer exists only once the events are durable; their effects are
    /// already with delivery when it returns. An answer routed as a reply goes to the invoker through delivery.
    package func transact(_ input: ChannelInput) async throws(InvalidIdentifier) -> Answer {
        try await activity.running { () async throws(InvalidIdentifier) -> Answer in try await transactNow(input) }
    }

    /// Running transactions, which readers that can wait (the status page) let finish first.
    package let activity = CommandActivity()

    private func transactNow(_ input: ChannelInput) async throws(InvalidIdentifier) -> Answer {
        do { try input.validate() } catch {
            logger.warning("refused an input with an invalid id", metadata: ["platform": "\(input.channel.platform)", "reason": "\(error)"])
            metrics?.commandHandled(verb: "unknown", outcome: "invalid", latency: .zero)
            throw error
        }
        let started = ContinuousClock.now
        let answer: Answer
        switch input.content {
        case .text(let arguments):
            do {
                let command = try CommandParser.parse(arguments: arguments)
                answer = await run(.command(command), input)
            } catch {
                answer = .refused(Self.typedVerb(arguments), error)
            }
        case .input(let typed):
            answer = await run(typed, input)
        }
        if case .reply(let confirmations) = input.answer, answer.result != .duplicate, let reply = confirmations ? answer.text : answer.reply,
            !reply.isEmpty
        {
            dependencies.sink?.reply(
                OutboundMessage(
                    effect: nil,
                    key: "fbr-" + UUID().uuidString.prefix(20).lowercased(),
                    channel: input.channel,
                    incident: nil,
                    text: reply,
                    kind: .reply(to: input.actor),
                    plannedAt: clock.now()
                )
            )
        }
        return observed(answer, channel: input.channel, started: started)
    }

    private func run(_ typed: Input, _ input: ChannelInput) async -> Answer {
        await runtime(for: input.channel).transact(
            typed,
            actor: input.actor,
            now: Self.wholeSecond(clock.now()),
            delivery: input.delivery,
            responseURL: input.responseURL,
            actorName: input.actorName
        )
    }

    /// Hands delivery what the logs still owe: every effect of a logged transaction after each channel's watermark
    /// that is not settled. Start-up runs it at once; a channel used before its turn in this pass resumes its own
    /// first, so old effects always precede new ones. Returns how many messages were handed over.
    @discardableResult
    package func resumeDeliveries() async -> Int {
        let all = runtimes.withLock { Array($0.values) }
        var total = 0
        for runtime in all { total += await runtime.resumeDeliveries(now: clock.now()) }
        if total > 0 { logger.info("resuming deliveries the logs still owe", metadata: ["messages": "\(total)"]) }
        return total
    }

    /// What the read-only views across channels read (the status page): kept current by every transaction.
    package var readModel: ReadModel { dependencies.readModel }

    private let readModelPublication = Mutex<Task<Void, Never>?>(nil)

    /// Returns once every channel loaded at start-up is in the read model: the first call publishes them (a few at a
    /// time, each once, from its state and log), later calls wait for that or return at once. Channels used since are
    /// published by their own transactions.
    package func readModelReady() async {
        let task = readModelPublication.withLock { task in
            if let task { return task }
            let started = Task { [self] in
                let all = runtimes.withLock { Array($0.values) }
                await withTaskGroup(of: Void.self) { group in
                    for (position, runtime) in all.enumerated() {
                        if position >= Self.snapshotParallelism { await group.next() }
                        group.addTask { await runtime.publishToReadModel(now: self.clock.now()) }
                    }
                }
            }
            task = started
            return started
        }
        await task.value
    }

    /// Every channel's last logged sequence as start-up found it.
    package let lastSequencesAtStart: [ChannelRef: Int]

    private func observed(_ outcome: Answer, channel: ChannelRef, started: ContinuousClock.Instant) -> Answer {
        let elapsed = ContinuousClock.now - started
        metrics?.commandHandled(verb: outcome.verb, outcome: outcome.result.rawValue, latency: elapsed)
        logger.info(
            "command",
            metadata: [
                "channel": "\(channel)", "verb": "\(outcome.verb)", "outcome": "\(outcome.result.rawValue)",
                "latency_us": "\(elapsed.components.attoseconds / 1_000_000_000_000 + elapsed.components.seconds * 1_000_000)",
            ]
        )
        return outcome
    }

    /// Brings every channel's snapshot up to date (channels replayed at start-up, channels changed since), a few
    /// channels at a time; returns how many were written. A channel whose snapshot cannot be written keeps working.
    @discardableResult
    package func writeSnapshots() async -> Int {
        let all = runtimes.withLock { Array($0.values) }
        return await withTaskGroup(of: Bool.self) { group in
            var written = 0
            for (position, runtime) in all.enumerated() {
                if position >= Self.snapshotParallelism, await group.next() == true { written += 1 }
                group.addTask {
                    do { return try await runtime.writeSnapshot() } catch {
                        self.logger.warning("could not write a snapshot; start-up will replay that channel's log", metadata: ["error": "\(error)"])
                        return false
                    }
                }
            }
            for await wrote in group where wrote { written += 1 }
            return written
        }
    }

    /// How many group commits ran and how many appends they made durable.
    package var commitStatistics: (groups: Int, files: Int) { store.commitStatistics }

    /// The earliest armed deadline of all channels.
    package var nextDeadline: Date? { dependencies.deadlines.earliest }

    /// How many channels have at least one armed timer.
    package var armedChannelCount: Int { dependencies.deadlines.armedChannels }

    /// Fires every timer due at `now`, channels in parallel (a bounded number at a time), each as a transaction;
    /// returns the answers (their messages are already with delivery).
    @discardableResult
    package func fireDueTimers(now: Date) async -> [Answer] {
        let now = Self.wholeSecond(now)
        let due = dependencies.deadlines.takeDue(now)
        return await withTaskGroup(of: [Answer].self) { group in
            var answers: [Answer] = []
            for (position, channel) in due.enumerated() {
                if position >= Self.timerParallelism, let done = await group.next() { answers += done }
                group.addTask { await self.fireTimers(of: channel, now: now) }
            }
            for await done in group { answers += done }
            return answers
        }
    }

    /// How many channels write their snapshots at the same time.
    static let snapshotParallelism = 8

    /// How many channels fire their timers at the same time.
    static let timerParallelism = 64

    private func fireTimers(of channel: ChannelRef, now: Date) async -> [Answer] {
        let answers = await runtime(for: channel).fireDueTimers(now: now)
        for answer in answers {
            if answer.result == .failed { logger.error("timer in \(channel) not saved: \(answer.reply ?? "")") }
            metrics?.remindersFired(answer.records.count)
            for record in answer.records {
                logger.info("timer fired", metadata: ["channel": "\(channel)", "event": "\(EventDescriber.describe(record))"])
            }
        }
        return answers
    }

    /// The time inbound requests are checked against.
    package func now() -> Date { clock.now() }

    /// The log stores whole seconds, so state after a restart equals state before it.
    static func wholeSecond(_ date: Date) -> Date { Date(timeIntervalSince1970: date.timeIntervalSince1970.rounded(.down)) }

    /// The current state of a channel (for views and tests).
    package func state(of channel: ChannelRef) async -> ChannelState {
        guard let runtime = runtimes.withLock({ $0[channel] }) else { return ChannelState() }
        return await runtime.currentState(now: clock.now())
    }

    /// Every channel with a runtime, i.e. every channel that has a log or was used since start-up.
    package var channels: [ChannelRef] { runtimes.withLock { Array($0.keys) } }

    /// Folds records another replica committed to `channel` (seen on the store's watch) into this replica's state:
    /// views, the status page and timers here then show what was committed anywhere.
    package func follow(_ records: [EventRecord], in channel: ChannelRef) async {
        await runtime(for: channel).follow(records, now: clock.now())
    }

    /// This replica was elected leader of a cluster: a new delivery epoch begins, in which every channel hands
    /// delivery, once, what its log still owes (call before the outbox is activated, then ``resumeDeliveries()``).
    package func beginDeliveryEpoch() { dependencies.deliveryEpoch.begin() }

    /// Reads and folds a channel's records that this replica has not seen (after a watch could not say).
    package func catchUp(_ channel: ChannelRef) async {
        await runtime(for: channel).refresh(now: clock.now())
    }

    /// Every channel's last sequence as this replica knows it now.
    package func lastSequences() async -> [ChannelRef: Int] {
        var sequences: [ChannelRef: Int] = [:]
        for (channel, runtime) in runtimes.withLock({ $0 }) { sequences[channel] = await runtime.lastSequence }
        return sequences
    }

    /// The sequence of a channel's last record as this replica knows it (0 for a channel it has not seen).
    package func lastSequence(of channel: ChannelRef) async -> Int {
        guard let runtime = runtimes.withLock({ $0[channel] }) else { return 0 }
        return await runtime.lastSequence
    }

    /// The events of one channel, read from its log.
    package func records(of channel: ChannelRef) async throws -> [EventRecord] {
        guard let runtime = runtimes.withLock({ $0[channel] }) else { return [] }
        return try await runtime.records()
    }

    private func runtime(for channel: ChannelRef) -> ChannelRuntime {
        runtimes.withLock { runtimes in
            if let existing = runtimes[channel] { return existing }
            let created = ChannelRuntime(
                channel: channel,
                fold: .replayed(ChannelState()),
                storage: store.log(for: channel),
                unavailableReason: unavailable[channel]?.summary,
                dependencies: dependencies,
                now: clock.now()
            )
            runtimes[channel] = created
            return created
        }
    }

    /// The first word typed, for logging a command that did not parse.
    private static func typedVerb(_ arguments: String) -> String {
        let word = arguments.split(whereSeparator: \.isWhitespace).first.map(String.init) ?? "help"
        return VerbCatalog.spec(named: word)?.name ?? "unknown"
    }
}
