import Foundation
import IncidentKit
import IncidentStore
import Platforms
import Testing

@testable import FirebellServer

/// One transaction per input: what a command costs in syncs, and what survives a restart between the log and
/// delivery.
@Suite("Transactions", .timeLimit(.minutes(1)))
struct TransactionTests {
    let channel = ChannelRef(platform: .slack, workspace: "T1", channel: "C0INC")
    let status = ChannelRef(platform: .slack, workspace: "T1", channel: "C0STATUS")

    func configuration(_ folder: TemporaryFolder) -> FirebellConfiguration {
        var configuration = FirebellConfiguration(dataDirectory: folder.url)
        configuration.stakeholderChannels = ["status": [status]]
        return configuration
    }

    func fast() -> DeliveryPolicy {
        var policy = quickDelivery()
        policy.backoffCap = .milliseconds(40)
        return policy
    }

    /// A service delivering through `delivery`, started as `firebell serve` starts it.
    func start(_ folder: TemporaryFolder, _ delivery: any ChatDelivery) async throws -> (IncidentService, OutboxDispatcher) {
        let outbox = OutboxDispatcher(dataDirectory: folder.url, deliveries: [.slack: delivery], policy: fast(), logger: quietLogger())
        let service = try IncidentService(configuration: configuration(folder), logger: quietLogger(), sink: outbox)
        try outbox.prepare(lastSequences: service.lastSequencesAtStart)
        await service.resumeDeliveries()
        return (service, outbox)
    }

    @Test func aDeclareWithAnAudienceChannelCostsOneSyncBeforeItsAnswer() async throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let sink = RecordingSink()
        let service = try IncidentService(configuration: configuration(folder), logger: quietLogger(), sink: sink)
        _ = await service.run(
            "declare sev4 Warm-up in another channel",
            in: ChannelRef(platform: .slack, workspace: "T1", channel: "C0OTHER"),
            as: "carol"
        )
        let before = SyncCounter.syncs(under: folder.url.path)
        let answer = await service.run("declare sev2 Checkout down", in: channel, as: "carol")
        let syncs = SyncCounter.syncs(under: folder.url.path) - before
        #expect(answer.result == .accepted)
        #expect(answer.messages.contains { $0.channel == status }, "the audience channel's copy is planned in the same transaction")
        #expect(syncs <= 2, "the log and the id reservation share one group commit; nothing else is synced before the answer (\(syncs))")
        let note = SyncCounter.syncs(under: folder.url.path)
        _ = await service.run("note checking the pool", in: channel, as: "carol")
        #expect(SyncCounter.syncs(under: folder.url.path) - note == 1, "a note is one sync")
    }

    @Test func effectsLoggedButNeverDeliveredArePlannedAgainAfterARestartAndOnlyOnce() async throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        // The chat API is down for the whole first run: the commands are answered, the posts wait.
        let down = ScriptedDelivery(Array(repeating: .transient("HTTP 503"), count: 100_000))
        let (first, firstOutbox) = try await start(folder, down)
        #expect(await first.run("declare sev2 Checkout down", in: channel, as: "carol").result == .accepted)
        #expect(await first.run("note rolled back", in: channel, as: "carol").result == .accepted)
        #expect(await firstOutbox.flush(timeout: .milliseconds(200)) == false)
        firstOutbox.stop()

        let up = ScriptedDelivery()
        let (_, secondOutbox) = try await start(folder, up)
        #expect(await secondOutbox.flush(timeout: .seconds(30)))
        let own = up.messages.filter { $0.channel == channel }.map(\.text)
        let copies = up.messages.filter { $0.channel == status }.map(\.text)
        #expect(own.count == 2 && own[0].contains("Initial Alert") && own[1].contains("rolled back"), "planned again from the log, in order: \(own)")
        #expect(copies.count == 1 && copies[0].contains("Initial Alert"), "the audience copy too")
        #expect(up.messages.allSatisfy { $0.mayHaveBeenSent }, "after a restart every owed post is looked for before it is posted")
        #expect(Set(down.messages.map(\.key)).isSubset(of: Set(up.messages.map(\.key))), "the same keys as the attempts before the restart")
        secondOutbox.stop()

        let again = ScriptedDelivery()
        let (_, thirdOutbox) = try await start(folder, again)
        #expect(await thirdOutbox.flush(timeout: .seconds(30)))
        #expect(again.attempts.isEmpty, "what was settled is never delivered again")
    }

    @Test func aLongIncidentIsDeliveredWholeAcrossCrashesAndLedgerCompaction() async throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let first = ScriptedDelivery(
            Array(repeating: .delivered(reference: "1700000000.000100"), count: 70) + Array(repeating: .transient("HTTP 503"), count: 100_000)
        )
        let (service, outbox) = try await start(folder, first)
        #expect(await service.run("declare sev3 Long one", in: channel, as: "carol").result == .accepted)
        for number in 1...45 { #expect(await service.run("update step \(number)", in: channel, as: "carol").result == .accepted) }
        _ = await outbox.flush(timeout: .seconds(3))
        outbox.halt()
        let second = ScriptedDelivery()
        let (_, again) = try await start(folder, second)
        #expect(await again.flush(timeout: .seconds(20)))
        let keys: [String] = first.messages.prefix(70).map(\.key) + second.messages.map(\.key)
        let distinct = Set(keys).count
        #expect(distinct == 91, "every post and edit of the incident (1 + 45 × 2): \(distinct)")
        again.halt()
        let third = ScriptedDelivery()
        let (_, last) = try await start(folder, third)
        #expect(await last.flush(timeout: .seconds(30)))
        #expect(third.attempts.isEmpty)
    }

    @Test func deliveryGoesOnAfterTheLedgerIsCompacted() async throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let delivery = ScriptedDelivery()
        let (service, outbox) = try await start(folder, delivery)
        #expect(await service.run("declare sev3 Long one", in: channel, as: "carol").result == .accepted)
        for number in 1...40 {
            #expect(await service.run("update step \(number)", in: channel, as: "carol").result == .accepted)
            #expect(await outbox.flush(timeout: .seconds(30)), "step \(number) delivered")
        }
        #expect(Set(delivery.messages.map(\.key)).count == 81)
        outbox.halt()
        let after = ScriptedDelivery()
        let (restarted, again) = try await start(folder, after)
        for number in 41...50 { #expect(await restarted.run("update step \(number)", in: channel, as: "carol").result == .accepted) }
        #expect(await again.flush(timeout: .seconds(30)))
        #expect(
            after.messages.count == 20 && after.messages.allSatisfy { !$0.mayHaveBeenSent },
            "after a restart, the next updates: \(after.messages.count)"
        )
    }

    @Test func aDeliveryRetriedByThePlatformRunsOnceEvenAcrossARestart() async throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let inbound = InboundCommand(channel: channel, actor: UserRef("carol"), arguments: "declare sev3 Search is slow")
        let first = try IncidentService(configuration: configuration(folder), logger: quietLogger(), sink: RecordingSink())
        #expect(try await first.transact(.command(inbound, delivery: "Ev001")).result == .accepted)
        #expect(try await first.transact(.command(inbound, delivery: "Ev001")).result == .duplicate)
        let restarted = try IncidentService(configuration: configuration(folder), logger: quietLogger(), sink: RecordingSink())
        let retried = try await restarted.transact(.command(inbound, delivery: "Ev001"))
        #expect(retried.result == .duplicate && retried.messages.isEmpty, "the delivery id is in the log, so a retry after a restart is recognised")
        #expect(await restarted.state(of: channel).order.count == 1)
    }

    @Test func aButtonOfAnIncidentNoLongerActiveChangesNothing() async throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let sink = RecordingSink()
        let service = try IncidentService(configuration: configuration(folder), logger: quietLogger(), sink: sink)
        _ = await service.run("declare sev3 First", in: channel, as: "carol")
        _ = await service.run("resolve", in: channel, as: "carol")
        _ = await service.run("declare sev3 Second", in: channel, as: "carol")
        let pressed = try await service.transact(
            ChannelInput(
                .input(.button(.acknowledge, incident: IncidentID(year: 2026, sequence: 1))),
                in: channel,
                by: UserRef("bob"),
                answer: .reply(confirmations: false)
            )
        )
        #expect(pressed.result == .refused && pressed.records.isEmpty)
        #expect(sink.messages.last?.replyRecipient == UserRef("bob"))
        #expect(sink.messages.last?.text.contains("belongs to INC-2026-0001, which is no longer the active incident") == true)
    }

    @Test func anOutboxFileOfAnEarlierVersionIsDeliveredOnceThenRemoved() async throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let layout = DataLayout(root: folder.url)
        let file = layout.outboxFile(for: channel)
        try FileManager.default.createDirectory(at: file.deletingLastPathComponent(), withIntermediateDirectories: true)
        let lines = [
            #"{"queued":{"_0":{"channel":{"channel":"C0INC","platform":"slack","workspace":"T1"},"createdAt":"2026-11-18T11:06:40Z","id":1,"purpose":"alert","text":"delivered before the upgrade"}}}"#,
            #"{"settled":{"at":"2026-11-18T11:06:41Z","id":1,"outcome":"delivered"}}"#,
            "damaged line",
            #"{"queued":{"_0":{"channel":{"channel":"C0INC","platform":"slack","workspace":"T1"},"createdAt":"2026-11-18T11:06:42Z","id":2,"purpose":"notice","text":"still owed"}}}"#,
        ]
        try Data((lines.joined(separator: "\n") + "\n").utf8).write(to: file)
        let up = ScriptedDelivery()
        let (_, outbox) = try await start(folder, up)
        #expect(await outbox.flush(timeout: .seconds(30)))
        #expect(up.attempts == ["still owed"], "a damaged line never hides the messages after it")
        #expect(!FileManager.default.fileExists(atPath: file.path), "the old file is removed once it holds nothing")
    }
}
