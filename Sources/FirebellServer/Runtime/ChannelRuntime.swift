import Foundation
import IncidentKit
import IncidentStore
import Messaging

/// One channel's state and log. Commands and timers of the channel take turns: each one decides, writes, waits for
/// its group commit and applies its events before the next one starts, so no command decides on events that are not
/// yet durable. Other channels run while one waits for the disk.
actor ChannelRuntime {
    let channel: ChannelRef
    private var state: ChannelState
    /// The snapshot the state is still encoded in, until the channel is first used.
    private var unread: UnreadSnapshot?
    private var log: ChannelLog?
    private let logURL: URL
    private var unavailableReason: String?
    private let dependencies: RuntimeDependencies
    /// Whether a command or timer has the turn; the others wait in order.
    private var busy = false
    private var waiting: [CheckedContinuation<Void, Never>] = []
    /// Whether the snapshot on disk is the fold of the log as it is (nothing appended since it was written or read).
    private var snapshotIsCurrent: Bool

    /// The name the bot's own events are recorded under.
    static let bot = UserRef("firebell")
    /// How long a timer whose events could not be saved waits before it is tried again.
    static let retryAfterFailure: TimeInterval = 30

    init(channel: ChannelRef, fold: ChannelFold, logURL: URL, unavailableReason: String?, dependencies: RuntimeDependencies, now: Date) {
        self.channel = channel
        self.logURL = logURL
        self.unavailableReason = unavailableReason
        self.dependencies = dependencies
        switch fold {
        case .replayed(let state):
            self.state = state
            self.snapshotIsCurrent = false
            dependencies.deadlines.set(channel, to: dependencies.planner.earliest(in: state, now: now))
        case .snapshot(let snapshot):
            self.state = ChannelState()
            self.unread = snapshot
            self.snapshotIsCurrent = true
            // Its deadlines are unknown until the state is decoded: the first timer pass decodes it and re-arms.
            dependencies.deadlines.set(channel, to: now)
        }
    }

    /// The channel's state as it is now (decoding the snapshot on first use).
    func currentState(now: Date) -> ChannelState {
        readSnapshotIfUnread(now: now)
        return state
    }

    private func readSnapshotIfUnread(now: Date) {
        guard let snapshot = unread else { return }
        unread = nil
        do {
            (state, snapshotIsCurrent) = try snapshot.read(now: now)
        } catch {
            unavailableReason = "\(error)"
        }
    }

    func execute(_ command: Command, actor: UserRef, now: Date, markup: Markup) async -> CommandOutcome {
        await takeTurn()
        defer { endTurn() }
        readSnapshotIfUnread(now: now)
        if let unavailableReason {
            return CommandOutcome(result: .failed, verb: command.verb,
                                  reply: "✗ This channel's incident log cannot be read (\(unavailableReason)). Ask the operator to check the data folder; other channels are unaffected.",
                                  confirmation: nil, posts: [], records: [])
        }
        do {
            var records: [EventRecord] = []
            var view: ViewRequest?
            switch try decide(command, actor: actor, now: now) {
            case .record(let recorded): records = recorded
            case .view(let shown): view = shown
            case .recordThenShow(let recorded, let shown): (records, view) = (recorded, shown)
            }
            let before = state
            if !records.isEmpty {
                try await appendDurably(records)
                for record in records { state.apply(record) }
                publishDeadline(now: now)
            }
            let posts = ChannelPost.implied(by: records).map { dependencies.renderer.renderPost($0, state: state, markup: markup) }
            let audiencePosts = dependencies.audiences.posts(for: records, before: before, after: state, own: channel, renderer: dependencies.renderer)
                + DirectMessages.posts(for: posts, in: channel)
                + (dependencies.pagerDuty ? PagerDutyFanOut.posts(for: records, before: before, after: state) : [])
            let reply = try view.map { try render($0, now: now, markup: markup) }
            let confirmation = records.isEmpty ? nil : "✓ " + records.map { markup.escape(EventDescriber.describe($0)) }.joined(separator: "\n")
            return CommandOutcome(result: view != nil && records.isEmpty ? .shown : .accepted, verb: command.verb, reply: reply,
                                  confirmation: confirmation, posts: posts, records: records, audiencePosts: audiencePosts)
        } catch let error as CommandError {
            return .refused(command.verb, error)
        } catch {
            return CommandOutcome(result: .failed, verb: command.verb,
                                  reply: "✗ Not saved, nothing changed: \(error). Try again in a moment; if it keeps failing, tell the operator (disk full or read-only?).",
                                  confirmation: nil, posts: [], records: [])
        }
    }

    /// Fires every timer of this channel that is due at `now`, one incident at a time, through the engine.
    func fireDueTimers(now: Date, markup: Markup) async -> [CommandOutcome] {
        readSnapshotIfUnread(now: now)
        let due = Set(dependencies.planner.deadlines(in: state, now: now).filter { $0.fireAt <= now }.map(\.incident))
        let owners: [IncidentID?] = state.order.filter { due.contains($0) } + (due.contains(nil) ? [nil] : [])
        var outcomes: [CommandOutcome] = []
        for id in owners {
            outcomes.append(await execute(.timersDue(id), actor: Self.bot, now: now, markup: markup))
        }
        // A timer whose events could not be saved (disk full) is retried later, not in a tight loop.
        let retry = outcomes.contains { $0.result == .failed } ? now.addingTimeInterval(Self.retryAfterFailure) : nil
        publishDeadline(now: now, notBefore: retry)
        return outcomes
    }

    /// Recomputes this channel's earliest deadline and tells the index (and the sleeper, when it is sooner).
    private func publishDeadline(now: Date, notBefore: Date? = nil) {
        let earliest = dependencies.planner.earliest(in: state, now: now).map { max($0, notBefore ?? $0) }
        if dependencies.deadlines.set(channel, to: earliest) { dependencies.wake.signal() }
    }

    /// Runs the engine; a `declare` that the engine accepts reserves its id durably first.
    private func decide(_ command: Command, actor: UserRef, now: Date) throws -> Decision {
        let year = UTC.year(of: now)
        let probe = dependencies.allocator.peek(year: year)
        let engine = dependencies.engine
        let decision = try engine.decide(command, state: state, context: CommandContext(actor: actor, now: now, newIncidentID: probe, channel: channel))
        guard case .record(let records) = decision, records.contains(where: { if case .declared = $0.event { true } else { false } }) else {
            return decision
        }
        let reserved = try dependencies.allocator.reserve(year: year)
        return try engine.decide(command, state: state, context: CommandContext(actor: actor, now: now, newIncidentID: reserved, channel: channel))
    }

    private func render(_ view: ViewRequest, now: Date, markup: Markup) throws -> String {
        let views = dependencies.views
        switch view {
        case .help(let verb):
            return views.help(verb: verb, markup: markup)
        case .oncall:
            return views.oncall(rotation: dependencies.engine.configuration.oncall.rotation(for: channel), now: now, markup: markup)
        case .reports:
            return views.reports(state.reports, markup: markup)
        case .summary(let id):
            return views.summary(state.incidents[id]!, markup: markup)
        case .actions(let id):
            return views.actions(state.incidents[id]!, markup: markup)
        case .timeline(let id):
            return views.timeline(state.incidents[id]!, records: try records(), markup: markup)
        case .postmortem(let id):
            let draft = PostmortemWriter(configuration: dependencies.engine.configuration).markdown(state.incidents[id]!, records: try records())
            return markup == .markdown ? draft : markup.escape(draft)
        }
    }

    /// Writes the records and returns once they are on disk (sharing the sync with other channels' commands);
    /// if they cannot be made durable they are cut off again and the error is thrown.
    private func appendDurably(_ records: [EventRecord]) async throws {
        let log = try openLog()
        let pending = try log.write(records)
        do {
            try await dependencies.committer.sync(log.syncTarget)
        } catch {
            log.abandon(pending)
            throw error
        }
        log.confirm(pending)
        snapshotIsCurrent = false
    }

    /// Writes the snapshot of this channel's fold when the one on disk is out of date; returns whether it wrote one.
    /// Takes the channel's turn, so no append runs between reading the log's stamp and encoding the state.
    func writeSnapshot() async throws -> Bool {
        await takeTurn()
        defer { endTurn() }
        guard !snapshotIsCurrent, unavailableReason == nil, state.lastSequence > 0 else { return false }
        try ChannelSnapshot.write(state, forLog: logURL)
        snapshotIsCurrent = true
        return true
    }

    private func takeTurn() async {
        guard busy else {
            busy = true
            return
        }
        await withCheckedContinuation { waiting.append($0) }
    }

    /// Hands the turn to the next waiter (which then holds it), or frees it.
    private func endTurn() {
        if waiting.isEmpty { busy = false } else { waiting.removeFirst().resume() }
    }

    private func openLog() throws -> ChannelLog {
        if let log { return log }
        let opened = try ChannelLog(url: logURL)
        log = opened
        return opened
    }

    /// Every record of this channel, read from its log.
    func records() throws -> [EventRecord] {
        guard log != nil || FileManager.default.fileExists(atPath: logURL.path) else { return [] }
        return try openLog().readAll()
    }
}

/// What every channel runtime shares.
struct RuntimeDependencies: Sendable {
    let engine: IncidentEngine
    let planner: DeadlinePlanner
    let allocator: IncidentIDAllocator
    /// Makes the appends of concurrent commands durable together.
    let committer: GroupCommit
    let renderer: MessageRenderer
    let views: ViewRenderer
    let audiences: AudienceDirectory
    /// Whether PagerDuty events are sent (`PAGERDUTY_ROUTING_KEY` is set).
    let pagerDuty: Bool
    let deadlines: DeadlineIndex
    let wake: WakeSignal
}
