import Foundation
import IncidentKit
import IncidentStore
import Logging
import Messaging
import Platforms
import Synchronization

/// One channel's state and log. Commands and timers of the channel take turns: each one decides, writes, waits for
/// its group commit and applies its events before the next one starts, so no command decides on events that are not
/// yet durable. Other channels run while one waits for the disk.
///
/// Its state is actor-isolated, so the members its extensions share (`ChannelRuntime+Following`) are internal to the
/// actor rather than private: nothing outside the actor can change them.
actor ChannelRuntime {
    let channel: ChannelRef
    var state: ChannelState
    /// The snapshot the state is still encoded in, until the channel is first used.
    var unread: UnreadSnapshot?
    /// The channel's log in the store (a file, or keys in etcd).
    let storage: any ChannelStorage
    /// Why the channel's log cannot be used, as a responder may be told (no server paths).
    var unavailableReason: String?
    let dependencies: RuntimeDependencies
    /// Whether a command or timer has the turn; the others wait in order.
    private var busy = false
    private var waiting: [CheckedContinuation<Void, Never>] = []
    /// Whether the snapshot on disk is the fold of the log as it is (nothing appended since it was written or read).
    var snapshotIsCurrent: Bool
    /// The delivery epoch in which what the log still owed delivery was last handed to it (nil: never). A new
    /// epoch begins each time this replica is elected leader of a cluster; on the data folder there is one.
    private var resumedEpoch: Int?

    /// How long a timer whose events could not be saved waits before it is tried again.
    static let retryAfterFailure: TimeInterval = 30

    /// How often a command is decided again because another replica appended to the channel first.
    static let conflictRetries = 16

    init(
        channel: ChannelRef,
        fold: ChannelFold,
        storage: any ChannelStorage,
        unavailableReason: String?,
        dependencies: RuntimeDependencies,
        now: Date
    ) {
        self.channel = channel
        self.storage = storage
        self.unavailableReason = unavailableReason
        self.dependencies = dependencies
        switch fold {
        case .replayed(let state):
            self.state = state
            self.snapshotIsCurrent = false
            dependencies.deadlines.set(channel, to: dependencies.deadlinePlanner.earliest(in: state, now: now, channel: channel))
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

    func readSnapshotIfUnread(now: Date) {
        guard let snapshot = unread else { return }
        unread = nil
        do {
            (state, snapshotIsCurrent) = try snapshot.read(now: now)
        } catch {
            dependencies.logger.error("could not read a snapshot", metadata: ["channel": "\(channel)", "error": "\(error)"])
            unavailableReason = error.told("its snapshot cannot be read")
        }
    }

    /// Runs one input as the channel's transaction: decide on the current state, append the records (the only
    /// durable write before the answer), apply them, plan their effects and hand them to delivery, all in the
    /// channel's turn, so effects reach delivery in the order their transactions were logged.
    func transact(_ input: Input, actor: UserRef, now: Date, delivery: String?, responseURL: String?, actorName: String? = nil) async -> Answer {
        await takeTurn()
        defer { endTurn() }
        readSnapshotIfUnread(now: now)
        await resumeDeliveriesIfNeeded()
        let verb = input.verb
        if let unavailableReason {
            return .failed(
                verb,
                "✗ This channel's incidents cannot be used: \(unavailableReason). Ask the operator to check the data folder (the server log names the file); other channels are unaffected."
            )
        }
        // On a store other replicas append to, this replica's fold may lag. A decision that writes needs no read
        // first: its append succeeds only at the channel's next free sequence, so a stale decision conflicts and is
        // made again on what the others wrote. An answer that writes nothing (a view, a refusal) is given only after
        // reading what is new. (A duplicate delivery needs no read: a fold that knows it is right, whatever it lags.)
        var current = !storage.isShared
        var conflicts = 0
        while true {
            do {
                return try await attempt(
                    input,
                    actor: actor,
                    now: now,
                    delivery: delivery,
                    responseURL: responseURL,
                    actorName: actorName,
                    current: current
                )
            } catch let error as CommandError where current {
                return .refused(verb, error)
            } catch let error as StoreError where error.kind == .conflict {
                // Another replica appended first: fold what it wrote and decide again on that, after a short random
                // wait that grows with each conflict, so replicas writing to one channel at once take turns.
                conflicts += 1
                if conflicts > Self.conflictRetries {
                    dependencies.logger.warning("gave up after conflicts", metadata: ["channel": "\(channel)", "verb": "\(verb)"])
                    return .failed(verb, "✗ Not saved, nothing changed: other replicas kept writing to this channel first. Try again.")
                }
                try? await Task.sleep(for: .milliseconds(Int.random(in: 0...(1 << min(conflicts, 6)))))
                do { try await catchUp(now: now) } catch { return unreadable(verb, error) }
                current = true
            } catch is CommandError, is StaleState {
                // Another replica may have appended what this answer depends on: read it, and decide again.
                do { try await catchUp(now: now) } catch { return unreadable(verb, error) }
                current = true
            } catch {
                return notSaved(verb, error)
            }
        }
    }

    /// An answer that writes nothing was about to be given on a fold that may lag the store.
    private struct StaleState: Error {}

    /// Decides on the state as it is, appends, applies and hands the effects to delivery; throws a `.conflict`
    /// store error, having changed nothing, when another replica appended to the channel first.
    private func attempt(
        _ input: Input,
        actor: UserRef,
        now: Date,
        delivery: String?,
        responseURL: String?,
        actorName: String?,
        current: Bool
    ) async throws -> Answer {
        let verb = input.verb
        if let delivery, state.recentDeliveries.contains(delivery) {
            return Answer(result: .duplicate, verb: verb, reply: nil, confirmation: nil)
        }
        var records: [EventRecord] = []
        var view: ViewRequest?
        let (decision, reservation) = try decide(input, actor: actor, now: now)
        switch decision {
        case .record(let recorded): records = recorded
        case .view(let shown): view = shown
        case .recordThenShow(let recorded, let shown): (records, view) = (recorded, shown)
        }
        if records.isEmpty, !current { throw StaleState() }
        let markup = Platforms.markup(for: channel.platform)
        var messages: [OutboundMessage] = []
        if !records.isEmpty {
            // The actor's name rides on the transaction only when the channel learns something from it.
            let name = actorName.flatMap { state.people.isNew($0, for: actor) ? $0 : nil }
            records = EventRecord.transaction(records, delivery: delivery, actorName: name)
            let before = state
            try await storage.append(records, reservation: reservation)
            snapshotIsCurrent = false
            for record in records { state.apply(record) }
            await publishCommitted(records, wasEmpty: before.lastSequence == 0, now: now)
            publishDeadline(now: now)
            messages = plannedMessages(records, before: before, at: now, responseURL: responseURL)
            dependencies.sink?.accept(messages, transactionEnd: state.lastSequence, from: channel)
        }
        var reply: String?
        if let view { reply = try await render(view, now: now, markup: markup) }
        let confirmation =
            records.isEmpty
            ? nil
            : "✓ "
                + (records.map { markup.lines(EventDescriber.describe($0, names: state.people)) }
                + hints(input, records).map(markup.lines))
                .joined(separator: "\n")
        return Answer(
            result: view != nil && records.isEmpty ? .shown : .accepted,
            verb: verb,
            reply: reply,
            confirmation: confirmation,
            records: records,
            messages: messages
        )
    }

    /// The answer to a command on a shared store that could not be read first: nothing was decided.
    private func unreadable(_ verb: String, _ error: StoreError) -> Answer {
        dependencies.logger.error(
            "could not read the channel before deciding",
            metadata: ["channel": "\(channel)", "verb": "\(verb)", "error": "\(error)"]
        )
        return .failed(
            verb,
            "✗ \(error.told("Nothing done: this channel's latest events could not be read")). Try again in a moment; /readyz says when the store is back."
        )
    }

    /// The answer to a command whose events could not be saved: the operator reads the cause in the log (it names
    /// server paths), the responder gets what to do.
    private func notSaved(_ verb: String, _ error: any Error) -> Answer {
        dependencies.logger.error("not saved", metadata: ["channel": "\(channel)", "verb": "\(verb)", "error": "\(error)"])
        let store = error as? StoreError
        if store?.kind == .indeterminate {
            return .failed(
                verb,
                "✗ \(store?.told("Not confirmed: the store did not answer in time, so this may or may not have been saved") ?? ""). Check with /incident status before trying again; tell the operator if it keeps happening."
            )
        }
        let nothing = "Not saved, nothing changed"
        return .failed(
            verb,
            "✗ \(store?.told(nothing) ?? nothing). Try again in a moment; if it keeps failing, tell the operator (disk full or read-only? the server log says which file)."
        )
    }

    /// Tells the read model what this transaction committed; a channel it does not hold yet is published whole (a
    /// new channel from these records alone, an older one from its log).
    /// The records are durable by now: a log that cannot be read back here costs the status page this channel
    /// (until the next start), never the command's answer.
    private func publishCommitted(_ records: [EventRecord], wasEmpty: Bool, now: Date) async {
        if dependencies.readModel.contains(channel) {
            dependencies.readModel.apply(channel, state: state, committed: records)
        } else {
            await publishWhole(now: now, knownLog: wasEmpty ? records : nil)
        }
    }

    /// Publishes the channel to the read model from its state and, when the status page could show one of its
    /// incidents, its log (`knownLog` when the caller has it whole); a log that cannot be read is logged.
    func publishWhole(now: Date, knownLog: [EventRecord]? = nil) async {
        let needsLog = ReadModel.needsLog(state, now: now)
        do {
            var log: [EventRecord] = []
            if needsLog {
                if let knownLog { log = knownLog } else { log = try await records() }
            }
            dependencies.readModel.publish(channel, state: state, log: log)
        } catch {
            dependencies.logger.error("could not read a log for the status page", metadata: ["channel": "\(channel)", "error": "\(error)"])
        }
    }

    /// Publishes the channel to the read model once, from its state and log, in its turn (start-up).
    func publishToReadModel(now: Date) async {
        await takeTurn()
        defer { endTurn() }
        readSnapshotIfUnread(now: now)
        guard unavailableReason == nil, !dependencies.readModel.contains(channel) else { return }
        await publishWhole(now: now)
    }

    /// The effects of a logged transaction that something delivers, rendered from the state after it.
    func plannedMessages(_ records: [EventRecord], before: ChannelState, at now: Date, responseURL: String?) -> [OutboundMessage] {
        let sink = dependencies.sink
        return dependencies.planner.plan(records, before: before, after: state, in: channel).filter { sink?.delivers(to: $0.destination) ?? true }
            .map { effect in
                var message = dependencies.effectRenderer.message(for: effect, state: state, plannedAt: now)
                message.failureNoticeURL = responseURL
                return message
            }
    }

    /// Fires every timer of this channel that is due at `now`, one incident at a time, each as its own transaction.
    func fireDueTimers(now: Date) async -> [Answer] {
        readSnapshotIfUnread(now: now)
        let due = Set(dependencies.deadlinePlanner.deadlines(in: state, now: now, channel: channel).filter { $0.fireAt <= now }.map(\.incident))
        let owners: [IncidentID?] = state.order.filter { due.contains($0) } + (due.contains(nil) ? [nil] : [])
        var answers: [Answer] = []
        for id in owners {
            answers.append(await transact(.timersDue(id), actor: Input.bot, now: now, delivery: nil, responseURL: nil))
        }
        // A timer whose events could not be saved (disk full) is retried later, not in a tight loop.
        let retry = answers.contains { $0.result == .failed } ? now.addingTimeInterval(Self.retryAfterFailure) : nil
        publishDeadline(now: now, notBefore: retry)
        return answers
    }

    /// Hands delivery, once, what the log still owes it; returns how many messages.
    @discardableResult
    func resumeDeliveries(now: Date) async -> Int {
        await takeTurn()
        defer { endTurn() }
        readSnapshotIfUnread(now: now)
        return await resumeDeliveriesIfNeeded()
    }

    @discardableResult
    func resumeDeliveriesIfNeeded() async -> Int {
        let epoch = dependencies.deliveryEpoch.current
        guard resumedEpoch != epoch else { return 0 }
        // Not delivering now (a replica that does not lead): nothing is marked, so the epoch of its election resumes.
        guard let recovery = dependencies.sink as? any DeliveryRecovery, recovery.delivers(to: channel) else { return 0 }
        resumedEpoch = epoch
        let watermark = recovery.watermark(of: channel)
        guard lastSequence > watermark else { return 0 }
        do {
            var total = 0
            let trackerStart = recovery.trackerStart(of: channel)
            let owedEffect = { (effect: Effect, sequence: Int) -> Bool in
                if case .tracker = effect.action, sequence <= trackerStart { return false }
                return !recovery.isSettled(effect.id)
            }
            for owed in try await unsettledMessages(after: watermark, owes: owedEffect) {
                recovery.accept(owed.messages, transactionEnd: owed.end, from: channel)
                total += owed.messages.count
            }
            dependencies.logger.debug(
                "resumed deliveries",
                metadata: [
                    "channel": "\(channel)", "after": "\(watermark)", "through": "\(lastSequence)",
                    "messages": "\(total)",
                ]
            )
            return total
        } catch {
            dependencies.logger.error("could not read the log to resume its deliveries", metadata: ["channel": "\(channel)", "error": "\(error)"])
            return 0
        }
    }

    /// The messages every logged transaction after `watermark` still owes (per `owes`, given the effect and its
    /// transaction's first sequence), planned and rendered again from the log; start-up hands them to delivery
    /// before anything new.
    func unsettledMessages(after watermark: Int, owes: (Effect, Int) -> Bool) async throws -> [(messages: [OutboundMessage], end: Int)] {
        guard lastSequence > watermark else { return [] }
        // Only what this runtime has folded: records another replica appended since are planned when they are applied.
        let folded = lastSequence
        let all = try await records().filter { $0.sequence <= folded }
        var fold = ChannelState()
        var owed: [(messages: [OutboundMessage], end: Int)] = []
        for transaction in EventRecord.transactions(in: all) {
            let before = fold
            for record in transaction { fold.apply(record) }
            guard let first = transaction.first, first.sequence > watermark else { continue }
            let effects = dependencies.planner.plan(transaction, before: before, after: fold, in: channel).filter { owes($0, first.sequence) }
            let messages = effects.map { effect in
                var message = dependencies.effectRenderer.message(for: effect, state: fold, plannedAt: first.at)
                message.mayHaveBeenSent = true
                return message
            }
            owed.append((messages, fold.lastSequence))
        }
        return owed
    }

    /// The sequence of the channel's last record (without decoding a snapshot).
    var lastSequence: Int { unread?.lastSequence ?? state.lastSequence }

    /// Recomputes this channel's earliest deadline and tells the index (and the sleeper, when it is sooner).
    func publishDeadline(now: Date, notBefore: Date? = nil) {
        let earliest = dependencies.deadlinePlanner.earliest(in: state, now: now, channel: channel).map { max($0, notBefore ?? $0) }
        if dependencies.deadlines.set(channel, to: earliest) { dependencies.wake.signal() }
    }

    /// Runs the engine; a `declare` that the engine accepts reserves its id, made durable with the transaction.
    private func decide(_ input: Input, actor: UserRef, now: Date) throws -> (Decision, IDReservation?) {
        let year = UTC.year(of: now)
        let probe = dependencies.ids.peek(year: year)
        let engine = dependencies.engine
        let decision = try engine.decide(input, state: state, context: CommandContext(actor: actor, now: now, newIncidentID: probe, channel: channel))
        guard case .record(let records) = decision, !input.carriesIncidentID, records.contains(where: \.reservesIncidentID) else {
            return (decision, nil)
        }
        let reserved = try dependencies.ids.reserve(year: year)
        let context = CommandContext(actor: actor, now: now, newIncidentID: reserved.id, channel: channel)
        return (try engine.decide(input, state: state, context: context), reserved)
    }

    private func render(_ view: ViewRequest, now: Date, markup: Markup) async throws -> String {
        let views = dependencies.views
        switch view {
        case .help(let verb):
            return views.help(verb: verb, markup: markup)
        case .oncall:
            return views.oncall(rotation: dependencies.engine.configuration.oncall.rotation(for: channel), now: now, markup: markup)
        case .reports:
            return views.reports(state.reports, markup: markup)
        case .summary(let id):
            let incident = state.incidents[id]!
            let configuration = dependencies.engine.configuration
            let next = dependencies.deadlinePlanner.deadlines(for: incident, now: now, channel: channel).min { $0.fireAt < $1.fireAt }
            return views.summary(
                incident,
                names: state.people,
                markup: markup,
                channel: channel,
                next: next.map { NextReminder(deadline: $0, hours: configuration.workingHours(in: channel)) }
            )
        case .actions(let id):
            return views.actions(state.incidents[id]!, names: state.people, markup: markup)
        case .timeline(let id):
            return views.timeline(state.incidents[id]!, records: try await records(), names: state.people, markup: markup)
        case .postmortem(let id):
            let draft = PostmortemWriter(configuration: dependencies.engine.configuration).markdown(
                state.incidents[id]!,
                records: try await records(),
                names: state.people
            )
            return markup.rendersMarkdown ? draft : markup.escape(draft)
        }
    }

    /// Writes the snapshot of this channel's fold when the one on disk is out of date; returns whether it wrote one.
    /// Takes the channel's turn, so no append runs between reading the log's stamp and encoding the state.
    func writeSnapshot() async throws -> Bool {
        await takeTurn()
        defer { endTurn() }
        guard !snapshotIsCurrent, unavailableReason == nil, state.lastSequence > 0 else { return false }
        guard try storage.writeSnapshot(state) else { return false }
        snapshotIsCurrent = true
        return true
    }

    func takeTurn() async {
        guard busy else {
            busy = true
            return
        }
        await withCheckedContinuation { waiting.append($0) }
    }

    /// Hands the turn to the next waiter (which then holds it), or frees it.
    func endTurn() {
        if waiting.isEmpty { busy = false } else { waiting.removeFirst().resume() }
    }

    /// Every record of this channel, read from the store.
    func records() async throws(StoreError) -> [EventRecord] {
        try await storage.records(after: 0)
    }
}

/// What every channel runtime shares.
struct RuntimeDependencies: Sendable {
    let engine: IncidentEngine
    /// Plans the effects of each transaction (who is told what).
    let planner: EffectPlanner
    /// When timers are due.
    let deadlinePlanner: DeadlinePlanner
    let effectRenderer: EffectRenderer
    /// Hands out incident ids (unique among everyone who shares the store).
    let ids: any IncidentIDSource
    /// Which election of this replica delivery belongs to (one, on the data folder).
    let deliveryEpoch: DeliveryEpoch
    let views: ViewRenderer
    /// What the read-only views across channels read, kept current by each transaction.
    let readModel: ReadModel
    let deadlines: DeadlineIndex
    let wake: WakeSignal
    /// Where planned effects go for delivery (nil: nowhere, as in a benchmark of the command path).
    let sink: (any EffectSink)?
    let logger: Logger
}

extension ChannelRuntime {
    /// What to do next, after the confirmation: how to change a defaulted severity; that this platform keeps a war
    /// room's incident here.
    func hints(_ input: Input, _ records: [EventRecord]) -> [String] {
        let warRoom = input.isTypedDeclaration ? dependencies.engine.configuration.warRooms.hint(for: records, in: channel) : nil
        return [input.hint, warRoom].compactMap { $0 }
    }
}

/// Counts this replica's elections as leader: each begins a delivery epoch, in which every channel hands delivery
/// once what its log still owes.
final class DeliveryEpoch: Sendable {
    private let value = Atomic(0)

    var current: Int { value.load(ordering: .acquiring) }

    func begin() { value.add(1, ordering: .acquiringAndReleasing) }
}
