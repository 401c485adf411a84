import Foundation
import Synchronization
import Testing
@testable import FirebellServer
import IncidentKit
import IncidentStore
import Messaging
import Platforms

/// A delivery that answers from a script, then succeeds, and records what it was asked.
final class ScriptedDelivery: ChatDelivery {
    private let state: Mutex<(script: [DeliveryResult], attempts: [(String, ContinuousClock.Instant)], messages: [OutboxMessage])>

    init(_ script: [DeliveryResult] = []) { state = Mutex((script, [], [])) }

    func deliver(_ message: OutboxMessage) async -> DeliveryResult {
        state.withLock { state in
            state.attempts.append((message.text, .now))
            state.messages.append(message)
            return state.script.isEmpty ? .delivered(reference: "\(state.attempts.count)") : state.script.removeFirst()
        }
    }

    var attempts: [String] { state.withLock { $0.attempts.map(\.0) } }
    var instants: [ContinuousClock.Instant] { state.withLock { $0.attempts.map(\.1) } }
    var messages: [OutboxMessage] { state.withLock { $0.messages } }
}

@Suite("Outbox", .timeLimit(.minutes(1)))
struct OutboxDispatcherTests {
    let channel = ChannelRef(platform: "slack", workspace: "T1", channel: "C1")

    func posts(_ texts: [String]) -> [RenderedPost] { texts.map { RenderedPost(text: $0, incident: nil, purpose: .notice) } }

    func fastPolicy() -> DeliveryPolicy {
        var policy = DeliveryPolicy()
        policy.minimumInterval = .milliseconds(50)
        policy.backoffBase = .milliseconds(20)
        return policy
    }

    @Test func deliversInOrderPacedAndRetriesPassingFailures() async throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let delivery = ScriptedDelivery([.delivered(reference: nil), .transient("HTTP 500"), .retryAfter(0.2), .transient("timeout")])
        let outbox = OutboxDispatcher(dataDirectory: folder.url, deliveries: ["slack": delivery], policy: fastPolicy(), logger: quietLogger())
        try await outbox.enqueue(posts(["one", "two", "three"]), in: channel, now: Date())
        #expect(await outbox.flush(timeout: .seconds(20)))
        #expect(delivery.attempts == ["one", "two", "two", "two", "two", "three"], "order holds: three waits until two is through")
        #expect(await outbox.depth() == 0)
        let instants = delivery.instants
        for (earlier, later) in zip(instants, instants.dropFirst()) {
            #expect(later - earlier >= .milliseconds(45), "at most one message per interval per channel")
        }
        #expect(instants[3] - instants[2] >= .milliseconds(195), "Retry-After is honoured")
    }

    @Test func aPermanentErrorIsNotRetriedForeverAndTheRestGoesOn() async throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let delivery = ScriptedDelivery([.permanent("channel_not_found")])
        let reports = Mutex<[DeliveryReport]>([])
        let outbox = OutboxDispatcher(dataDirectory: folder.url, deliveries: ["slack": delivery], policy: fastPolicy(), logger: quietLogger(),
                                      report: { report in reports.withLock { $0.append(report) } })
        try await outbox.enqueue(posts(["lost", "next"]), in: channel, now: Date())
        #expect(await outbox.flush(timeout: .seconds(20)))
        #expect(delivery.attempts == ["lost", "next"])
        #expect(reports.withLock { $0 } == [.failed(channel, "channel_not_found"), .delivered(channel)])
    }

    @Test func undeliveredMessagesResumeAfterARestart() async throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let down = ScriptedDelivery(Array(repeating: .transient("HTTP 503"), count: 10_000))
        let first = OutboxDispatcher(dataDirectory: folder.url, deliveries: ["slack": down], policy: fastPolicy(), logger: quietLogger())
        try await first.enqueue(posts(["a", "b", "c"]), in: channel, now: Date())
        #expect(await first.flush(timeout: .milliseconds(200)) == false)
        await first.stop()

        let up = ScriptedDelivery()
        let second = OutboxDispatcher(dataDirectory: folder.url, deliveries: ["slack": up], policy: fastPolicy(), logger: quietLogger())
        try await second.resume()
        #expect(await second.flush(timeout: .seconds(20)))
        #expect(up.attempts == ["a", "b", "c"])

        let third = OutboxDispatcher(dataDirectory: folder.url, deliveries: ["slack": ScriptedDelivery()], policy: fastPolicy(), logger: quietLogger())
        try await third.resume()
        #expect(await third.depth() == 0, "settled messages are not sent again")
    }

    @Test func headlineEditsReplaceTheInitialAlertEvenAfterARestart() async throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let id = IncidentID(year: 2026, sequence: 1)
        let first = ScriptedDelivery([.delivered(reference: "1700000000.000100")])
        let before = OutboxDispatcher(dataDirectory: folder.url, deliveries: ["slack": first], policy: fastPolicy(), logger: quietLogger())
        try await before.enqueue([RenderedPost(text: "alert v1", incident: id, purpose: .alert)], in: channel, now: Date())
        #expect(await before.flush(timeout: .seconds(10)))
        await before.stop()

        let second = ScriptedDelivery()
        let after = OutboxDispatcher(dataDirectory: folder.url, deliveries: ["slack": second], policy: fastPolicy(), logger: quietLogger())
        try await after.enqueue([RenderedPost(text: "alert v2", incident: id, purpose: .headline)], in: channel, now: Date())
        #expect(await after.flush(timeout: .seconds(10)))
        #expect(second.messages.map(\.replacing) == ["1700000000.000100"])

        // An incident whose Initial Alert never landed has nothing to edit: skipped, not retried.
        let other = IncidentID(year: 2026, sequence: 2)
        try await after.enqueue([RenderedPost(text: "orphan edit", incident: other, purpose: .headline),
                                 RenderedPost(text: "next", incident: nil, purpose: .notice)], in: channel, now: Date())
        #expect(await after.flush(timeout: .seconds(10)))
        #expect(second.attempts == ["alert v2", "next"])
    }

    @Test(arguments: [false, true])
    func remindersGoToTheIncidentsThreadAndUpdatesWhereConfigured(updatesInThread: Bool) async throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let id = IncidentID(year: 2026, sequence: 1)
        let delivery = ScriptedDelivery([.delivered(reference: "1700000000.000100")])
        var policy = fastPolicy()
        policy.stakeholderPostsInThread = updatesInThread
        let outbox = OutboxDispatcher(dataDirectory: folder.url, deliveries: ["slack": delivery], policy: policy, logger: quietLogger())
        try await outbox.enqueue([RenderedPost(text: "alert", incident: id, purpose: .alert),
                                  RenderedPost(text: "reminder", incident: id, purpose: .reminder),
                                  RenderedPost(text: "update", incident: id, purpose: .stakeholder),
                                  RenderedPost(text: "notice", incident: id, purpose: .notice)], in: channel, now: Date())
        #expect(await outbox.flush(timeout: .seconds(10)))
        let parents = Dictionary(uniqueKeysWithValues: delivery.messages.map { ($0.text, $0.threadParent) })
        #expect(parents["alert"] == .some(nil))
        #expect(parents["reminder"] == "1700000000.000100", "reminders always keep to the incident's thread")
        #expect((parents["update"] ?? nil) == (updatesInThread ? "1700000000.000100" : nil))
        #expect(parents["notice"] == .some(nil))
    }

    @Test func idsNeverRepeatAcrossCompaction() throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let url = folder.url.appendingPathComponent("o.jsonl")
        let outbox = try ChannelOutbox(channel: channel, url: url)
        var lastID = 0
        for round in 0..<300 {
            let message = try outbox.enqueue([OutboxDraft(text: String(repeating: "x", count: 400) + "\(round)", incident: nil, purpose: "notice")], at: Date())[0]
            #expect(message.id == lastID + 1)
            lastID = message.id
            try outbox.settle(message.id, outcome: .delivered, at: Date())
        }
        #expect(try Data(contentsOf: url).count < 2 * ChannelOutbox.compactAfterBytes, "settled history is compacted")
        let reopened = try ChannelOutbox(channel: channel, url: url)
        #expect(try reopened.enqueue([OutboxDraft(text: "after", incident: nil, purpose: "notice")], at: Date())[0].id == lastID + 1)
    }

    @Test func aTornOutboxTailIsCut() throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let url = folder.url.appendingPathComponent("o.jsonl")
        try ChannelOutbox(channel: channel, url: url).enqueue([OutboxDraft(text: "kept", incident: nil, purpose: "notice")], at: Date())
        let handle = try FileHandle(forWritingTo: url)
        handle.seekToEndOfFile()
        handle.write(Data("{\"queued\":{\"id\":2,\"te".utf8))
        try handle.close()
        let reopened = try ChannelOutbox(channel: channel, url: url)
        #expect(reopened.pending.map(\.text) == ["kept"])
        #expect(try reopened.enqueue([OutboxDraft(text: "next", incident: nil, purpose: "notice")], at: Date())[0].id == 2)
        #expect(try ChannelOutbox(channel: channel, url: url).pending.map(\.text) == ["kept", "next"])
    }
}
