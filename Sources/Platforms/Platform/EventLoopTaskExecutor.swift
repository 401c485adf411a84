import NIOCore

/// Runs a task's jobs on one event loop. A request served in a connection's pipeline runs its transaction with this
/// executor preferred, so the whole command — the channel's turn (its actor has no executor of its own, so it runs
/// where the task prefers), the decision, the append — stays on the loop that read it, and only the group commit's
/// sync happens elsewhere. Without it each command hops loop → pool → sync thread → pool → loop, and on a busy
/// server each hop can be a thread wake-up (measured: Firebell ÷ bare route 0.31 against 0.25, see the benchmark).
///
/// What runs here should not block, and on the command path nearly nothing does: file writes go to the page cache
/// and `fsync` is on the group commit's thread. The exceptions are once per channel or per election: a channel's
/// first use reads its snapshot (or its log, for the status page), and handing over what the log still owes after
/// an election may wait for a delivery record being synced. Unstructured tasks the transaction starts (delivery) do
/// not inherit the preference.
package final class EventLoopTaskExecutor: TaskExecutor {
    package let eventLoop: any EventLoop

    package init(_ eventLoop: any EventLoop) {
        self.eventLoop = eventLoop
    }

    package func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        eventLoop.execute { job.runSynchronously(on: self.asUnownedTaskExecutor()) }
    }
}
