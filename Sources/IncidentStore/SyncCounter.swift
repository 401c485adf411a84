import Synchronization

/// Counts the syncs (`fsync`, `syncfs`) this process asks the disk for, so tests and the benchmark can state what a
/// command costs in flushes: the figure that bounds durable throughput on a real disk.
public enum SyncCounter {
    private static let total = Atomic<Int>(0)

    /// Every sync since the process started.
    public static var value: Int { total.load(ordering: .relaxed) }

    static func count() { total.add(1, ordering: .relaxed) }
}
