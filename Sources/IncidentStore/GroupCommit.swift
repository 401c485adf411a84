import Dispatch
import Foundation
import Synchronization

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Makes written appends durable in groups: every file written while one sync is running is made durable by the
/// next single sync, so concurrent commands in many channels share the disk's flushes instead of queueing for one each.
///
/// With one file in a group the file is fsynced. With several, one `syncfs` of the data volume flushes them all in one
/// journal commit (Linux reports any write-back error on the volume since the last call); if it reports an error, each
/// file is fsynced on its own so the error reaches the commands whose file it belongs to, and only those.
package final class GroupCommit: Sendable {
    /// A file whose written bytes are to be made durable.
    package struct Target: Sendable, Hashable {
        let fd: Int32
        let path: String
        /// The file was created by this write: its directory entry must be made durable too, which a `syncfs` of
        /// the volume does and an `fsync` of the file alone does not.
        var isNew = false

        /// - Parameter isNew: the file was created by this write (its folder entry is made durable too).
        package init(fd: Int32, path: String, isNew: Bool = false) {
            self.fd = fd
            self.path = path
            self.isNew = isNew
        }
    }

    private struct Waiter {
        let targets: [Target]
        let done: @Sendable (StoreError?) -> Void
    }

    private struct Queue {
        var waiting: [Waiter] = []
        var draining = false
    }

    private let queue = Mutex(Queue())
    private let worker: DispatchQueue
    /// An open directory on the data volume: what `syncfs` flushes, and where its error sequence is kept.
    private let volume: Int32
    private let volumePath: String
    private let counters = Mutex((groups: 0, files: 0))

    /// - Parameter volume: any folder on the disk the logs live on (the data folder).
    package convenience init(volume: URL) throws(StoreError) {
        try self.init(volume: volume, worker: DispatchQueue(label: "firebell.group-commit", qos: .userInitiated))
    }

    /// - Parameter worker: the serial queue the syncs run on (tests hold it to see a group form).
    init(volume: URL, worker: DispatchQueue) throws(StoreError) {
        self.worker = worker
        try FileIO.makeDirectory(volume)
        let fd = open(volume.path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard fd >= 0 else { throw .posix("open", volume.path, errno) }
        self.volume = fd
        volumePath = volume.standardizedFileURL.path
    }

    deinit { close(volume) }

    /// How many syncs ran and how many file syncs they stood for (the grouping factor is their ratio).
    package var statistics: (groups: Int, files: Int) { counters.withLock { $0 } }

    /// How many syncs are waiting for the next group.
    var waitingCount: Int { queue.withLock { $0.waiting.count } }

    /// Returns once everything written to `target` before the call is on disk.
    package func sync(_ target: Target) async throws(StoreError) {
        try await sync([target])
    }

    /// Returns once everything written to every one of `targets` before the call is on disk (one group).
    package func sync(_ targets: [Target]) async throws(StoreError) {
        let failure: StoreError? = await withCheckedContinuation { continuation in
            sync(targets) { continuation.resume(returning: $0) }
        }
        if let failure { throw failure }
    }

    /// Calls `done` on the sync thread once everything written to every one of `targets` before the call is on disk
    /// (nil), or with the error of the first target that could not be synced. For callers that are not in a task
    /// (an event loop answering from its own thread).
    package func sync(_ targets: [Target], then done: @escaping @Sendable (StoreError?) -> Void) {
        let startDrain = queue.withLock { queue in
            queue.waiting.append(Waiter(targets: targets, done: done))
            defer { queue.draining = true }
            return !queue.draining
        }
        if startDrain { worker.async { self.drain() } }
    }

    /// Syncs groups until nobody is waiting; whoever arrives during a sync joins the next group.
    private func drain() {
        while true {
            let group = queue.withLock { queue in
                let taken = queue.waiting
                queue.waiting = []
                if taken.isEmpty { queue.draining = false }
                return taken
            }
            if group.isEmpty { return }
            let failures = commit(Set(group.flatMap(\.targets)))
            counters.withLock { $0 = ($0.groups + 1, $0.files + group.count) }
            for waiter in group { waiter.done(waiter.targets.lazy.compactMap { failures[$0] }.first) }
        }
    }

    /// Linux's `syncfs(2)`, looked up at run time: glibc declares it only under `_GNU_SOURCE`, which Swift's
    /// Glibc module does not set. Elsewhere it is nil and each file is fsynced.
    private static let syncfs: (@convention(c) (Int32) -> Int32)? = {
        #if os(Linux)
        guard let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "syncfs") else { return nil }
        return unsafeBitCast(symbol, to: (@convention(c) (Int32) -> Int32).self)
        #else
        return nil
        #endif
    }()

    private func commit(_ targets: Set<Target>) -> [Target: StoreError] {
        if targets.count > 1 || targets.contains(where: \.isNew), let syncVolume = Self.syncfs {
            SyncCounter.count(volumePath)
            if syncVolume(volume) == 0 { return [:] }
        }
        var failures: [Target: StoreError] = [:]
        for target in targets {
            do {
                try FileIO.sync(target.fd, path: target.path)
                if target.isNew { try FileIO.syncDirectory(URL(fileURLWithPath: target.path).deletingLastPathComponent()) }
            } catch { failures[target] = error }
        }
        return failures
    }
}
