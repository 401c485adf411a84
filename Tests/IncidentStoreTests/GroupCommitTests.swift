import Dispatch
import FirebellTestSupport
import Foundation
import Synchronization
import Testing

@testable import IncidentKit
@testable import IncidentStore

@Suite("Group commit")
struct GroupCommitTests {
    func note(_ sequence: Int, in channel: Int) -> EventRecord {
        EventRecord(
            sequence: sequence,
            at: Date(timeIntervalSince1970: 1_795_000_000),
            actor: UserRef("alice"),
            incident: IncidentID(year: 2026, sequence: channel + 1),
            event: .notePosted(text: "note \(sequence) of channel \(channel)")
        )
    }

    /// A group commit whose sync thread is held until the test resumes `worker`, so syncs queue up to be seen.
    func heldCommitter(in folder: TemporaryFolder) throws -> (GroupCommit, DispatchQueue) {
        let worker = DispatchQueue(label: "held")
        worker.suspend()
        return (try GroupCommit(volume: folder.url, worker: worker), worker)
    }

    /// Returns once everything queued on the serial `worker` so far has run (a sync and its callbacks included).
    func drained(_ worker: DispatchQueue) async {
        await withCheckedContinuation { done in worker.async { done.resume() } }
    }

    @Test func appendsWaitingTogetherAreMadeDurableByOneSync() async throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let (committer, worker) = try heldCommitter(in: folder)
        let urls = (0..<20).map { folder.url.appendingPathComponent("c\($0).jsonl") }
        let logs = try urls.map { try ChannelLog(url: $0) }
        let pending = try logs.enumerated().map { channel, log in try log.write([note(1, in: channel)]) }
        let targets = logs.map(\.syncTarget)

        try await withThrowingTaskGroup(of: Void.self) { group in
            for target in targets { group.addTask { try await committer.sync(target) } }
            // The worker is held, so every sync queues behind the first; released, it takes them as one group.
            while committer.waitingCount < targets.count { await Task.yield() }
            worker.resume()
            try await group.waitForAll()
        }
        #expect(committer.statistics.groups == 1 && committer.statistics.files == 20)
        for (log, written) in zip(logs, pending) { log.confirm(written) }
        for (channel, url) in urls.enumerated() {
            #expect(try LogReader.recover(url).records == [note(1, in: channel)])
        }
    }

    @Test func aCallerOutsideATaskIsCalledBackOnceItsAppendIsDurableOrWithTheError() async throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let (committer, worker) = try heldCommitter(in: folder)
        let url = folder.url.appendingPathComponent("c.jsonl")
        let log = try ChannelLog(url: url)
        let written = try log.write([note(1, in: 0)])
        let answers = Mutex<[StoreError?]>([])
        committer.sync([log.syncTarget]) { failure in answers.withLock { $0.append(failure) } }
        #expect(committer.waitingCount == 1)
        let early = answers.withLock(\.count)
        #expect(early == 0, "called back before its sync ran")
        worker.resume()
        await drained(worker)
        let synced = answers.withLock { $0.map { $0 == nil } }
        #expect(synced == [true])
        log.confirm(written)
        #expect(try LogReader.recover(url).records == [note(1, in: 0)])

        committer.sync([GroupCommit.Target(fd: -1, path: "closed.jsonl")]) { failure in answers.withLock { $0.append(failure) } }
        await drained(worker)
        let both = answers.withLock { $0.map { $0 == nil } }
        #expect(both == [true, false], "a file that cannot be synced is reported to its caller")
    }

    @Test func manyChannelsAppendingConcurrentlyLoseNothingAndKeepOrder() async throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let committer = try GroupCommit(volume: folder.url)
        let urls = (0..<8).map { folder.url.appendingPathComponent("c\($0).jsonl") }
        try await withThrowingTaskGroup(of: Void.self) { group in
            for (channel, url) in urls.enumerated() {
                group.addTask {
                    let log = try ChannelLog(url: url)
                    for sequence in 1...50 {
                        let written = try log.write([self.note(sequence, in: channel)])
                        try await committer.sync(log.syncTarget)
                        log.confirm(written)
                    }
                }
            }
            try await group.waitForAll()
        }
        for (channel, url) in urls.enumerated() {
            #expect(try LogReader.recover(url).records == (1...50).map { note($0, in: channel) })
        }
        #expect(committer.statistics.files == 400)
    }

    @Test func anAbandonedWriteIsCutOffAndTheNextAppendFollowsTheLastDurableOne() throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let url = folder.url.appendingPathComponent("c.jsonl")
        let log = try ChannelLog(url: url)
        try log.append([note(1, in: 0)])
        let failed = try log.write([note(2, in: 0)])
        #expect(try log.readAll() == [note(1, in: 0)], "written but not durable: readers must not see it")
        log.abandon(failed)
        try log.append([note(2, in: 0)])
        #expect(try LogReader.recover(url).records == [note(1, in: 0), note(2, in: 0)])
    }
}
