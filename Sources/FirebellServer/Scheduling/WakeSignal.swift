import Foundation
import Synchronization

/// Lets one sleeper wait until a time or until it is signalled, whichever comes first.
/// A signal that arrives while nobody sleeps is kept, so the next sleep returns at once.
package final class WakeSignal: Sendable {
    private struct State {
        var waiter: CheckedContinuation<Void, Never>?
        var pending = false
        var generation = 0
    }

    private let state = Mutex(State())

    package init() {}

    package func signal() {
        let waiter = state.withLock { state -> CheckedContinuation<Void, Never>? in
            guard let waiter = state.waiter else {
                state.pending = true
                return nil
            }
            state.waiter = nil
            return waiter
        }
        waiter?.resume()
    }

    /// Sleeps until `deadline` on `clock` (forever when nil), a signal, or cancellation of the calling task.
    package func wait(until deadline: Date?, on clock: any SchedulerClock) async {
        await withTaskCancellationHandler {
            var timer: Task<Void, Never>?
            await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                let generation = state.withLock { state -> Int? in
                    if state.pending {
                        state.pending = false
                        return nil
                    }
                    state.waiter = continuation
                    state.generation += 1
                    return state.generation
                }
                guard let generation else { return continuation.resume() }
                if let deadline {
                    timer = Task { [self] in
                        try? await clock.sleep(until: deadline)
                        resume(ifGeneration: generation)
                    }
                }
            }
            timer?.cancel()
        } onCancel: {
            signal()
        }
    }

    private func resume(ifGeneration generation: Int) {
        let waiter = state.withLock { state -> CheckedContinuation<Void, Never>? in
            guard state.generation == generation, let waiter = state.waiter else { return nil }
            state.waiter = nil
            return waiter
        }
        waiter?.resume()
    }
}
