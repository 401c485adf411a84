import Dispatch
import FirebellTestSupport
import Foundation
import IncidentKit
import Testing

@testable import IncidentStore

/// The ledger that makes the outbox a projection of the log: what is settled, what is owed, and what a damaged
/// or torn file still tells.
@Suite("Delivery ledger")
struct DeliveryLedgerTests {
    let channel = ChannelRef(platform: .slack, workspace: "T1", channel: "C1")
    let now = Date(timeIntervalSince1970: 1_795_000_000)

    func id(_ sequence: Int, _ index: Int = 0) -> EffectID { EffectID(channel: channel, sequence: sequence, index: index) }

    @Test func settlementsSurviveAReopenAndTheWatermarkFollowsTheOldestOwed() throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let url = folder.url.appendingPathComponent("C1.jsonl")
        let ledger = try DeliveryLedger(channel: channel, url: url)
        ledger.expect([id(1), id(1, 1)], transactionEnd: 2)
        ledger.expect([id(3)], transactionEnd: 3)
        #expect(ledger.watermark == 0)
        try ledger.settle(
            id(1),
            outcome: .delivered,
            reference: "1.1",
            headline: HeadlineKey(channel: channel, incident: IncidentID(year: 2026, sequence: 1)),
            at: now
        )
        try ledger.settle(id(3), outcome: .delivered, reference: nil, headline: nil, at: now)
        #expect(ledger.watermark == 0, "transaction 1 still owes its second effect")
        try ledger.settle(id(1, 1), outcome: .failed, reference: nil, headline: nil, at: now)
        #expect(ledger.watermark == 3)

        let reopened = try DeliveryLedger(channel: channel, url: url)
        #expect(reopened.isSettled(id(1)) && reopened.isSettled(id(1, 1)) && reopened.isSettled(id(3)))
        #expect(!reopened.isSettled(id(4)))
        #expect(reopened.headlines[HeadlineKey(channel: channel, incident: IncidentID(year: 2026, sequence: 1))] == "1.1")
    }

    /// A journal whose appends wait until the test lets them go: a disk that is slow to sync.
    final class SlowJournal: LedgerJournal, @unchecked Sendable {
        let entered = DispatchSemaphore(value: 0)
        let release = DispatchSemaphore(value: 0)
        func contents() -> Data { Data() }
        func cut(to length: Int) throws(StoreError) {}
        func append(_ line: Data) throws(StoreError) {
            entered.signal()
            release.wait()
        }
        func replace(with data: Data) throws(StoreError) {}
    }

    @Test func aTransactionHandingOverEffectsNeverWaitsForASettlementsDisk() async throws {
        let journal = SlowJournal()
        let ledger = try DeliveryLedger(channel: channel, journal: journal)
        ledger.expect([id(1)], transactionEnd: 1)
        let now = self.now
        let settling = Task { try await blocking { try ledger.settle(id(1), outcome: .delivered, reference: nil, headline: nil, at: now) } }
        await blocking { journal.entered.wait() }
        // The settlement's line is being synced: the next transaction's hand-over (in its channel's turn, which
        // every command of the channel waits for) goes on at once, and what it hands over counts as owed.
        let handedOver = DispatchSemaphore(value: 0)
        Thread {
            ledger.expect([id(2)], transactionEnd: 2)
            handedOver.signal()
        }.start()
        let prompt = await blocking { handedOver.wait(timeout: .now() + 5) == .success }
        #expect(prompt, "the hand-over waited for the settlement's sync")
        if prompt { #expect(ledger.watermark == 0, "transaction 1 is not settled until its line is synced") }
        journal.release.signal()
        if !prompt { await blocking { handedOver.wait() } }
        try await settling.value
        #expect(ledger.isSettled(id(1)) && !ledger.isSettled(id(2)))
        #expect(ledger.watermark == 1)
    }

    @Test func aDamagedLineCostsOnlyItselfAndATornTailIsCut() throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let url = folder.url.appendingPathComponent("C1.jsonl")
        let ledger = try DeliveryLedger(channel: channel, url: url)
        for sequence in 1...3 { try ledger.settle(id(sequence), outcome: .delivered, reference: nil, headline: nil, at: now) }
        var lines = try String(contentsOf: url, encoding: .utf8).split(separator: "\n").map(String.init)
        lines[1] = "{\"seq\": garbage"
        try Data((lines.joined(separator: "\n") + "\n" + "{\"seq\":4,\"ind").utf8).write(to: url)
        let reopened = try DeliveryLedger(channel: channel, url: url)
        #expect(reopened.damagedLines == 1)
        #expect(
            reopened.isSettled(id(1)) && !reopened.isSettled(id(2)) && reopened.isSettled(id(3)),
            "the line after the damaged one still counts; the damaged one's effect is owed again (and found at the platform)"
        )
        #expect(try String(contentsOf: url, encoding: .utf8).hasSuffix("\n"), "the torn tail is cut")
    }

    @Test func compactionKeepsWhatIsSettledAndWhereTheHeadlinesAre() throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let url = folder.url.appendingPathComponent("C1.jsonl")
        let ledger = try DeliveryLedger(channel: channel, url: url)
        let headline = HeadlineKey(channel: channel, incident: IncidentID(year: 2026, sequence: 7))
        for sequence in 1...(DeliveryLedger.compactAfterLines + 5) {
            ledger.expect([id(sequence)], transactionEnd: sequence)
            try ledger.settle(
                id(sequence),
                outcome: .delivered,
                reference: sequence == 1 ? "ts-1" : nil,
                headline: sequence == 1 ? headline : nil,
                at: now
            )
        }
        let lines = try String(contentsOf: url, encoding: .utf8).split(separator: "\n")
        #expect(lines.count < DeliveryLedger.compactAfterLines, "settled history is folded into one line")
        let reopened = try DeliveryLedger(channel: channel, url: url)
        // Compaction ran when the 64th was settled; the five after it are settled lines above the watermark.
        #expect(reopened.watermark == DeliveryLedger.compactAfterLines)
        #expect(reopened.isSettled(id(1)) && reopened.isSettled(id(DeliveryLedger.compactAfterLines + 5)))
        #expect(reopened.headlines[headline] == "ts-1")
    }
}
