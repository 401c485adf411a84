import NIOCore

/// Runs a task's jobs on one event loop. A request served in a connection's pipeline runs its transaction with this
/// executor preferred, so the whole command — the channel's turn (its actor has no executor of its own, so it runs
/// where the task prefers), the decision, the append — stays on the loop that read it, and only the group commit's
/// sync happens elsewhere. Without it each command hops loop → pool → sync thread → pool → loop, and on a busy
/// server every hop is a thread wake-up that costs more CPU than the command's own work.
///
/// What runs here must not block: a transaction's file writes are to the page cache and its `fsync` is on the group
/// commit's thread. Unstructured tasks the transaction starts (delivery) do not inherit the preference.
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
