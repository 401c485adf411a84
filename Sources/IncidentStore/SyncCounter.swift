import Synchronization

/// Counts the syncs (`fsync`, `syncfs`) this process asks the disk for, by the path synced, so tests and the
/// benchmark can state what a command costs in flushes: the figure that bounds durable throughput on a real disk.
package enum SyncCounter {
    private static let byPath = Mutex<[String: Int]>([:])

    /// Every sync of a file or folder under `root` (a `syncfs` counts for the folder it was issued on).
    package static func syncs(under root: String) -> Int {
        let prefix = root.hasSuffix("/") ? root : root + "/"
        return byPath.withLock { counts in counts.reduce(0) { $0 + (($1.key + "/").hasPrefix(prefix) ? $1.value : 0) } }
    }

    static func count(_ path: String) { byPath.withLock { $0[path, default: 0] += 1 } }
}
