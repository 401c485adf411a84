import Foundation
import IncidentKit
import IncidentStore
import Logging
import Messaging
import Platforms
import Synchronization

/// The heart of the shell: turns inbound command text into durable events and rendered answers,
/// one serialized runtime per channel, channels in parallel.
public final class IncidentService: Sendable {
    public let layout: DataLayout
    /// What start-up repaired or quarantined in the data folder.
    public let startupRepairs: [LogRepair]
    private let dependencies: RuntimeDependencies
    /// The clock commands and timers read; the timer loop sleeps on it.
    public let clock: any SchedulerClock
    /// Signalled when a deadline earlier than every other is armed, so the sleeper re-plans.
    public let wake: WakeSignal
    private let logger: Logger
    private let runtimes: Mutex<[ChannelRef: ChannelRuntime]>
    private let unavailable: [ChannelRef: String]
    /// Where command and timer figures go, when the service is observed (`firebell serve`).
    public let metrics: FirebellMetrics?

    /// Opens the data folder: loads every channel, cutting torn tails and moving unreadable logs aside.
    /// - Parameter pagerDuty: whether to queue PagerDuty events for pages, acknowledgements and resolutions.
    public init(configuration: FirebellConfiguration, clock: any SchedulerClock = SystemWallClock(), logger: Logger, metrics: FirebellMetrics? = nil,
                pagerDuty: Bool = false) throws {
        let layout = DataLayout(root: configuration.dataDirectory)
        let loaded = try DataFolder.loadStates(layout, now: clock.now())
        for repair in loaded.repairs { logger.warning("\(repair)") }
        for (channel, reason) in loaded.unavailable { logger.error("channel \(channel) is unavailable: \(reason)") }
        let templates = try TemplateLibrary(overrides: configuration.templatesDirectory)
        let wake = WakeSignal()
        let dependencies = RuntimeDependencies(
            engine: IncidentEngine(configuration: configuration.engine),
            planner: DeadlinePlanner(configuration: configuration.engine),
            allocator: try IncidentIDAllocator(file: layout.incidentIDsFile, seen: loaded.incidentIDs),
            committer: try GroupCommit(volume: layout.channelsDirectory),
            renderer: MessageRenderer(templates: templates, severities: configuration.engine.severities, oncall: configuration.engine.oncall),
            views: ViewRenderer(severities: configuration.engine.severities),
            audiences: AudienceDirectory(severities: configuration.engine.severities, channels: configuration.stakeholderChannels),
            pagerDuty: pagerDuty,
            deadlines: DeadlineIndex(), wake: wake)
        let now = clock.now()
        var runtimes: [ChannelRef: ChannelRuntime] = [:]
        for (channel, fold) in loaded.channels {
            runtimes[channel] = ChannelRuntime(channel: channel, fold: fold, logURL: layout.logFile(for: channel), unavailableReason: nil,
                                               dependencies: dependencies, now: now)
        }
        self.layout = layout
        self.startupRepairs = loaded.repairs
        self.dependencies = dependencies
        self.clock = clock
        self.wake = wake
        self.logger = logger
        self.runtimes = Mutex(runtimes)
        self.unavailable = loaded.unavailable
        self.metrics = metrics
    }

    /// Parses and runs one command. The answer exists only once its events are durable.
    public func handle(_ inbound: InboundCommand, markup: Markup) async -> CommandOutcome {
        do {
            let command = try CommandParser.parse(arguments: inbound.arguments)
            return await execute(command, in: inbound.channel, by: inbound.actor, markup: markup)
        } catch {
            return observed(.refused(Self.typedVerb(inbound.arguments), error), channel: inbound.channel, started: .now)
        }
    }

    /// Runs a command that arrived already structured (a button, a form), without parsing text.
    public func execute(_ command: Command, in channel: ChannelRef, by actor: UserRef, markup: Markup) async -> CommandOutcome {
        let started = ContinuousClock.now
        let now = Self.wholeSecond(clock.now())
        let outcome = await runtime(for: channel).execute(command, actor: actor, now: now, markup: markup)
        return observed(outcome, channel: channel, started: started)
    }

    private func observed(_ outcome: CommandOutcome, channel: ChannelRef, started: ContinuousClock.Instant) -> CommandOutcome {
        let elapsed = ContinuousClock.now - started
        metrics?.commandHandled(verb: outcome.verb, outcome: outcome.result.rawValue, latency: elapsed)
        logger.info("command", metadata: [
            "channel": "\(channel)", "verb": "\(outcome.verb)", "outcome": "\(outcome.result.rawValue)",
            "latency_ms": "\(String(format: "%.2f", elapsed / .milliseconds(1)))",
        ])
        return outcome
    }

    /// Brings every channel's snapshot up to date (channels replayed at start-up, channels changed since), a few
    /// channels at a time; returns how many were written. A channel whose snapshot cannot be written keeps working.
    @discardableResult
    public func writeSnapshots() async -> Int {
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
    public var commitStatistics: (groups: Int, files: Int) { dependencies.committer.statistics }

    /// The earliest armed deadline of all channels.
    public var nextDeadline: Date? { dependencies.deadlines.earliest }

    /// How many channels have at least one armed timer.
    public var armedChannelCount: Int { dependencies.deadlines.armedChannels }

    /// Fires every timer due at `now` through the engine (durably, once) and returns what to post where.
    public func fireDueTimers(now: Date) async -> [TimerDelivery] {
        let collected = DeliveryCollector()
        await fireDueTimers(now: now) { collected.add($0) }
        return collected.all
    }

    /// Fires every timer due at `now`, channels in parallel (a bounded number at a time), handing each
    /// channel's posts to `deliver` as soon as its events are durable.
    public func fireDueTimers(now: Date, deliver: @escaping @Sendable (TimerDelivery) async -> Void) async {
        let now = Self.wholeSecond(now)
        let due = dependencies.deadlines.takeDue(now)
        await withTaskGroup(of: Void.self) { group in
            for (position, channel) in due.enumerated() {
                if position >= Self.timerParallelism { await group.next() }
                group.addTask { await self.fireTimers(of: channel, now: now, deliver: deliver) }
            }
        }
    }

    /// How many channels write their snapshots at the same time.
    static let snapshotParallelism = 8

    /// How many channels fire their timers at the same time.
    static let timerParallelism = 64

    private func fireTimers(of channel: ChannelRef, now: Date, deliver: @Sendable (TimerDelivery) async -> Void) async {
        let markup = Self.markup(for: channel.platform)
        for outcome in await runtime(for: channel).fireDueTimers(now: now, markup: markup) {
            if outcome.result == .failed { logger.error("timer in \(channel) not saved: \(outcome.reply ?? "")") }
            metrics?.remindersFired(outcome.records.count)
            for record in outcome.records {
                logger.info("timer fired", metadata: ["channel": "\(channel)", "event": "\(EventDescriber.describe(record))"])
            }
            if !outcome.posts.isEmpty || !outcome.audiencePosts.isEmpty {
                await deliver(TimerDelivery(channel: channel, posts: outcome.posts, audiencePosts: outcome.audiencePosts))
            }
        }
    }

    /// The markup each platform reads.
    public static func markup(for platform: String) -> Markup {
        switch platform {
        case "slack": .slack
        case "mattermost": .markdown
        case "discord": .discord
        case "matrix": .html
        default: .plain
        }
    }

    /// The log stores whole seconds, so state after a restart equals state before it.
    static func wholeSecond(_ date: Date) -> Date { Date(timeIntervalSince1970: date.timeIntervalSince1970.rounded(.down)) }

    /// The current state of a channel (for views and tests).
    public func state(of channel: ChannelRef) async -> ChannelState {
        guard let runtime = runtimes.withLock({ $0[channel] }) else { return ChannelState() }
        return await runtime.currentState(now: clock.now())
    }

    /// Every channel with a runtime, i.e. every channel that has a log or was used since start-up.
    public var channels: [ChannelRef] { runtimes.withLock { Array($0.keys) } }

    /// The events of one channel, read from its log.
    public func records(of channel: ChannelRef) async throws -> [EventRecord] {
        guard let runtime = runtimes.withLock({ $0[channel] }) else { return [] }
        return try await runtime.records()
    }

    private func runtime(for channel: ChannelRef) -> ChannelRuntime {
        runtimes.withLock { runtimes in
            if let existing = runtimes[channel] { return existing }
            let created = ChannelRuntime(channel: channel, fold: .replayed(ChannelState()), logURL: layout.logFile(for: channel),
                                         unavailableReason: unavailable[channel], dependencies: dependencies, now: clock.now())
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

/// Posts produced by fired timers, for one channel.
public struct TimerDelivery: Sendable, Equatable {
    public var channel: ChannelRef
    public var posts: [RenderedPost]
    /// Copies for the audience channels (holding updates are for stakeholders too).
    public var audiencePosts: [AddressedPosts] = []

    /// This channel's posts first, then the audience channels'.
    public var addressed: [AddressedPosts] { [AddressedPosts(channel: channel, posts: posts)] + audiencePosts }
}

/// Gathers deliveries from concurrent channel tasks.
final class DeliveryCollector: Sendable {
    private let deliveries = Mutex<[TimerDelivery]>([])
    func add(_ delivery: TimerDelivery) { deliveries.withLock { $0.append(delivery) } }
    var all: [TimerDelivery] { deliveries.withLock { $0 } }
}
