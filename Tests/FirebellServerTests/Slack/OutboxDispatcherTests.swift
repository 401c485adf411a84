import Dispatch
import FirebellTestSupport
import Foundation
import IncidentStore
import Messaging
import Platforms
import Synchronization
import Testing

@testable import FirebellServer
@testable import IncidentKit

/// A delivery that answers from a script, then succeeds, and records what it was asked.
final class ScriptedDelivery: ChatDelivery {
    private let state: Mutex<(script: [DeliveryResult], attempts: [(String, ContinuousClock.Instant)], messages: [OutboundMessage])>

    init(_ script: [DeliveryResult] = []) { state = Mutex((script, [], [])) }

    func deliver(_ message: OutboundMessage) async -> DeliveryResult {
        state.withLock { state in
            state.attempts.append((message.text, .now))
            state.messages.append(message)
            return state.script.isEmpty ? .delivered(reference: "\(state.attempts.count)") : state.script.removeFirst()
        }
    }

    var attempts: [String] { state.withLock { $0.attempts.map(\.0) } }
    var instants: [ContinuousClock.Instant] { state.withLock { $0.attempts.map(\.1) } }
    var messages: [OutboundMessage] { state.withLock { $0.messages } }
}

@Suite("Outbox", .timeLimit(.minutes(1)))
struct OutboxDispatcherTests {
    let channel = ChannelRef(platform: .slack, workspace: "T1", channel: "C1")

    /// A message as a transaction starting at `sequence` would hand it over.
    func message(
        _ text: String,
        sequence: Int,
        index: Int = 0,
        kind: OutboundMessage.Kind = .post(.channel),
        incident: IncidentID? = nil,
        in channel: ChannelRef? = nil
    ) -> OutboundMessage {
        let channel = channel ?? self.channel
        let id = EffectID(channel: channel, sequence: sequence, index: index)
        return OutboundMessage(effect: id, key: id.key, channel: channel, incident: incident, text: text, kind: kind, plannedAt: Date())
    }

    func accept(_ outbox: OutboxDispatcher, _ texts: [String], from sequence: Int = 1) {
        for (offset, text) in texts.enumerated() {
            outbox.accept([message(text, sequence: sequence + offset)], transactionEnd: sequence + offset, from: channel)
        }
    }

    func fastPolicy() -> DeliveryPolicy {
        var policy = DeliveryPolicy()
        policy.minimumInterval = .milliseconds(50)
        policy.backoffBase = .milliseconds(20)
        return policy
    }

    @Test func aTrackerAnswerThatCannotBeRecordedIsAskedForAgainNotSettled() async throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let reference = "OPS-1 https://acme.atlassian.net/browse/OPS-1"
        let tracker = ScriptedDelivery([.delivered(reference: reference), .delivered(reference: reference)])
        let outbox = OutboxDispatcher(dataDirectory: folder.url, deliveries: [:], tracker: tracker, policy: fastPolicy(), logger: quietLogger())
        let answers = Mutex<[TrackerAnswer]>([])
        let saves = Mutex([false, true])  // the first write fails (a full disk), the second succeeds
        outbox.connect(
            TrackerBridge(
                link: { _, _, _ in nil },
                answer: { _, answer in
                    answers.withLock { $0.append(answer) }
                    return saves.withLock { $0.removeFirst() }
                }
            )
        )
        let id = IncidentID(year: 2026, sequence: 1)
        var incident = Incident(id: id, title: "Down", severity: .sev2, impact: nil, systems: [], declaredBy: UserRef("carol"), declaredAt: Date())
        let item = ActionItem(number: 1, text: "Add a canary", owner: UserRef("bob"), due: nil, createdAt: Date())
        incident.actionItems = [item]
        let issue = TrackerIssue(action: .create, incident: incident, item: item, owner: "@bob")
        outbox.accept([message(issue.title, sequence: 3, kind: .tracker(issue), incident: id)], transactionEnd: 3, from: channel)
        #expect(await outbox.flush(timeout: .seconds(20)))
        #expect(tracker.messages.map(\.mayHaveBeenSent) == [false, true], "asked again, looking for what it made")
        let link = TrackerLink(key: "OPS-1", url: "https://acme.atlassian.net/browse/OPS-1")
        #expect(answers.withLock { $0 } == Array(repeating: TrackerAnswer(incident: id, item: 1, result: .created(link)), count: 2))
        #expect(outbox.isSettled(EffectID(channel: channel, sequence: 3, index: 0)), "settled once recorded")
    }

    @Test func deliversInOrderPacedAndRetriesPassingFailures() async throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let delivery = ScriptedDelivery([.delivered(reference: nil), .transient("HTTP 500"), .retryAfter(0.2), .transient("timeout")])
        let outbox = OutboxDispatcher(dataDirectory: folder.url, deliveries: [.slack: delivery], policy: fastPolicy(), logger: quietLogger())
        accept(outbox, ["one", "two", "three"])
        #expect(await outbox.flush(timeout: .seconds(20)))
        #expect(delivery.attempts == ["one", "two", "two", "two", "two", "three"], "order holds: three waits until two is through")
        #expect(
            delivery.messages.map(\.mayHaveBeenSent) == [false, false, true, true, true, false],
            "after a failure that may have reached the platform, every retry looks before it posts"
        )
        #expect(outbox.depth() == 0)
        let instants = delivery.instants
        for (earlier, later) in zip(instants, instants.dropFirst()) {
            #expect(later - earlier >= .milliseconds(45), "at most one message per interval per channel")
        }
        #expect(instants[3] - instants[2] >= .milliseconds(195), "Retry-After is honoured")
    }

    @Test func pacingHoldsAcrossARestart() async throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        var policy = fastPolicy()
        policy.minimumInterval = .milliseconds(300)
        let started = ContinuousClock.now
        let delivery = ScriptedDelivery()
        let outbox = OutboxDispatcher(dataDirectory: folder.url, deliveries: [.slack: delivery], policy: policy, logger: quietLogger())
        accept(outbox, ["first after the start"])
        #expect(await outbox.flush(timeout: .seconds(30)))
        #expect(
            delivery.instants[0] - started >= .milliseconds(295),
            "the first message after a start waits a whole interval: one sent just before the restart is never closer"
        )
    }

    @Test func aPermanentErrorIsNotRetriedForeverAndTheRestGoesOn() async throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let delivery = ScriptedDelivery([.permanent("channel_not_found")])
        let reports = Mutex<[DeliveryReport]>([])
        let outbox = OutboxDispatcher(
            dataDirectory: folder.url,
            deliveries: [.slack: delivery],
            policy: fastPolicy(),
            logger: quietLogger(),
            report: { report in reports.withLock { $0.append(report) } }
        )
        accept(outbox, ["lost", "next"])
        #expect(await outbox.flush(timeout: .seconds(20)))
        #expect(delivery.attempts == ["lost", "next"])
        #expect(reports.withLock { $0 } == [.failed(.chat(channel), "channel_not_found"), .delivered(.chat(channel))])
        let ledger = try DeliveryLedger(channel: channel, url: DataLayout(root: folder.url).deliveryLedger(for: channel))
        #expect(
            ledger.isSettled(EffectID(channel: channel, sequence: 1, index: 0))
                && ledger.isSettled(EffectID(channel: channel, sequence: 2, index: 0)),
            "both are settled in the channel's ledger, the refused one too"
        )
    }

    @Test func headlineEditsReplaceTheInitialAlertEvenAfterARestart() async throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let id = IncidentID(year: 2026, sequence: 1)
        let first = ScriptedDelivery([.delivered(reference: "1700000000.000100")])
        let before = OutboxDispatcher(dataDirectory: folder.url, deliveries: [.slack: first], policy: fastPolicy(), logger: quietLogger())
        before.accept([message("alert v1", sequence: 1, kind: .post(.headline), incident: id)], transactionEnd: 1, from: channel)
        #expect(await before.flush(timeout: .seconds(30)))
        before.stop()

        let second = ScriptedDelivery()
        let after = OutboxDispatcher(dataDirectory: folder.url, deliveries: [.slack: second], policy: fastPolicy(), logger: quietLogger())
        try after.prepare(lastSequences: [channel: 1])
        after.accept([message("alert v2", sequence: 2, kind: .edit, incident: id)], transactionEnd: 2, from: channel)
        #expect(await after.flush(timeout: .seconds(30)))
        #expect(second.messages.map(\.replacing) == ["1700000000.000100"])

        // An incident whose Initial Alert never landed has nothing to edit: skipped, not retried.
        let other = IncidentID(year: 2026, sequence: 2)
        after.accept(
            [message("orphan edit", sequence: 3, kind: .edit, incident: other), message("next", sequence: 3, index: 1)],
            transactionEnd: 3,
            from: channel
        )
        #expect(await after.flush(timeout: .seconds(30)))
        #expect(second.attempts == ["alert v2", "next"])
    }

    @Test func threadRepliesHangUnderTheIncidentsHeadline() async throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let id = IncidentID(year: 2026, sequence: 1)
        let delivery = ScriptedDelivery([.delivered(reference: "1700000000.000100")])
        let outbox = OutboxDispatcher(dataDirectory: folder.url, deliveries: [.slack: delivery], policy: fastPolicy(), logger: quietLogger())
        outbox.accept(
            [
                message("alert", sequence: 1, kind: .post(.headline), incident: id),
                message("reminder", sequence: 1, index: 1, kind: .post(.thread), incident: id),
                message("notice", sequence: 1, index: 2, incident: id),
            ],
            transactionEnd: 1,
            from: channel
        )
        #expect(await outbox.flush(timeout: .seconds(30)))
        let parents = Dictionary(uniqueKeysWithValues: delivery.messages.map { ($0.text, $0.threadParent) })
        #expect(parents["alert"] == .some(nil))
        #expect(parents["reminder"] == "1700000000.000100")
        #expect(parents["notice"] == .some(nil))
    }

    @Test func aPlatformWithoutDeliveryOwesNothingAndWritesNothing() async throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let outbox = OutboxDispatcher(dataDirectory: folder.url, deliveries: [:], policy: fastPolicy(), logger: quietLogger())
        accept(outbox, ["nowhere to go"])
        #expect(outbox.depth() == 0)
        #expect(!outbox.delivers(to: channel))
        #expect(SyncCounter.syncs(under: folder.url.path) == 0, "nothing is written for a platform nothing delivers to")
    }

    @Test func aTransactionRendersOnlyWhatSomethingDelivers() async throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let delivery = ScriptedDelivery()
        let outbox = OutboxDispatcher(dataDirectory: folder.url, deliveries: [.slack: delivery], policy: fastPolicy(), logger: quietLogger())
        let discord = ChannelRef(platform: .discord, workspace: "G1", channel: "D1")
        #expect(outbox.delivers(to: .chat(channel)))
        #expect(!outbox.delivers(to: .chat(discord)))
        #expect(!outbox.delivers(to: .pagerDuty) && !outbox.delivers(to: .tracker), "neither is configured")
        let service = try IncidentService(configuration: .inPlace(folder.url.appendingPathComponent("data")), logger: quietLogger(), sink: outbox)
        let onSlack = await service.transactValid(.command(InboundCommand(channel: channel, actor: UserRef("U1"), arguments: "declare sev3 Both")))
        #expect(onSlack.result == .accepted && !onSlack.messages.isEmpty, "the Initial Alert is rendered for Slack, which is delivered to")
        let declared = await service.transactValid(.command(InboundCommand(channel: discord, actor: UserRef("U1"), arguments: "declare sev3 Both")))
        let noted = await service.transactValid(.command(InboundCommand(channel: discord, actor: UserRef("U1"), arguments: "note logged only")))
        #expect(declared.result == .accepted && noted.result == .accepted && !noted.records.isEmpty, "the events are logged as ever")
        #expect(declared.messages.isEmpty && noted.messages.isEmpty, "nothing is rendered for a platform nothing delivers to")
        outbox.deactivate()
        let standby = await service.transactValid(.command(InboundCommand(channel: channel, actor: UserRef("U1"), arguments: "note on a standby")))
        #expect(standby.result == .accepted && standby.messages.isEmpty, "a replica that does not lead renders nothing either")
    }

    /// Bookkeeping whose ledger lines wait until the test lets them go: a disk slow to sync.
    final class HeldBookkeeping: DeliveryBookkeeping, @unchecked Sendable {
        let entered = DispatchSemaphore(value: 0)
        private let released = Mutex(false)
        private let release = DispatchSemaphore(value: 0)

        func baseline() -> DeliveryBaseline? { nil }
        func saveBaseline(_ baseline: DeliveryBaseline) throws(StoreError) {}
        func ledgers() -> [(channel: ChannelRef, location: String)] { [] }
        func journal(for channel: ChannelRef) -> any LedgerJournal { Journal(self) }

        /// Lets every held line go, now and from now on; returns whether this call did it.
        @discardableResult
        func releaseAll() -> Bool {
            guard
                !released.withLock({
                    let was = $0
                    $0 = true
                    return was
                })
            else { return false }
            for _ in 0..<64 { release.signal() }
            return true
        }

        var isReleased: Bool { released.withLock { $0 } }

        final class Journal: LedgerJournal, @unchecked Sendable {
            let owner: HeldBookkeeping
            init(_ owner: HeldBookkeeping) { self.owner = owner }
            func contents() -> Data { Data() }
            func cut(to length: Int) throws(StoreError) {}
            func append(_ line: Data) throws(StoreError) {
                owner.entered.signal()
                if !owner.isReleased { owner.release.wait() }
            }
            func replace(with data: Data) throws(StoreError) {}
        }
    }

    @Test func commandsGoOnWhileMoreSettlementsThanThePoolHasThreadsWaitForTheDisk() async throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        // One delivered post per destination, more destinations than Swift's pool has threads: every settlement's line
        // is being synced at once.
        let destinations = ProcessInfo.processInfo.activeProcessorCount + 1
        let (outbox, held) = try await settlementsWaitingForTheDisk(in: folder, destinations: destinations, settling: destinations)
        let service = try IncidentService(configuration: FirebellConfiguration(dataDirectory: folder.url), logger: quietLogger(), sink: outbox)
        let answer = await service.run("declare sev2 Checkout down", in: channel, as: "carol")
        let answeredWhileHeld = held.releaseAll()
        #expect(answer.result == .accepted)
        #expect(answeredWhileHeld, "the command waited for the settlements' disk")
        #expect(await outbox.flush(timeout: .seconds(20)))
        for number in 0..<destinations {
            #expect(outbox.isSettled(EffectID(channel: ChannelRef(platform: .slack, workspace: "T1", channel: "C\(number)"), sequence: 1, index: 0)))
        }
    }

    /// Settlements waiting for a slow disk hold none of the threads Swift's timers need. On Linux, `Task.sleep`
    /// resumes through Dispatch's global pool, which grows by one thread a second once its threads wait: settlements
    /// written there (as they were) delayed every timer of the process — reminders, delivery pacing and retries, the
    /// etcd lease's keep-alive — by about a second per settlement waiting.
    @Test func timersRunWhileManySettlementsWaitForTheDisk() async throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        // More settlements waiting for the disk than Dispatch would add threads for within the safety valve's time.
        let (outbox, held) = try await settlementsWaitingForTheDisk(in: folder, destinations: 20, settling: 4)
        try await Task.sleep(for: .milliseconds(10))
        let sleptWhileHeld = held.releaseAll()
        #expect(sleptWhileHeld, "a 10 ms timer waited for the settlements' disk")
        #expect(await outbox.flush(timeout: .seconds(20)))
    }

    /// An outbox delivering one post to each of `destinations` channels, on a disk that holds every settlement's
    /// line until released; returns once `settling` of them are waiting for it.
    func settlementsWaitingForTheDisk(
        in folder: TemporaryFolder,
        destinations: Int,
        settling: Int
    ) async throws -> (OutboxDispatcher, HeldBookkeeping) {
        let outbox = OutboxDispatcher(
            dataDirectory: folder.url,
            deliveries: [.slack: ScriptedDelivery()],
            policy: fastPolicy(),
            leaderOnly: true,
            logger: quietLogger()
        )
        let held = HeldBookkeeping()
        // So that what the settlements hold (threads the test needs, the old way) is freed and the test fails
        // instead of hanging.
        safetyValve(after: 10) { held.releaseAll() }
        try outbox.activate(held, lastSequences: [:])
        for number in 0..<destinations {
            let destination = ChannelRef(platform: .slack, workspace: "T1", channel: "C\(number)")
            outbox.accept([message("post \(number)", sequence: 1, in: destination)], transactionEnd: 1, from: destination)
        }
        let began = await blocking { (0..<settling).allSatisfy { _ in held.entered.wait(timeout: .now() + 20) == .success } }
        #expect(began, "deliveries began to settle")
        return (outbox, held)
    }

    /// Runs `release` after `seconds` on a thread of its own (not on Dispatch, whose pool the subject may hold), so a
    /// test whose subject waits for what the test holds fails instead of hanging.
    func safetyValve(after seconds: TimeInterval, _ release: @escaping @Sendable () -> Void) {
        Thread {
            Thread.sleep(forTimeInterval: seconds)
            release()
        }.start()
    }
}
