import Synchronization

/// How many transactions are running, and a way for work that can wait (the status page during a stampede) to let
/// them finish first: a waiter is resumed when none is running, or after its own deadline, whichever comes first.
package final class CommandActivity: Sendable {
    private struct State {
        var running = 0
        var nextWaiter = 0
        var waiters: [Int: CheckedContinuation<Void, Never>] = [:]
    }

    private let state = Mutex(State())

    package init() {}

    /// How many transactions are running now.
    package var runningCount: Int { state.withLock { $0.running } }

    /// Runs `body` as one running transaction.
    func running<T, Failure: Error>(_ body: () async throws(Failure) -> T) async throws(Failure) -> T {
        state.withLock { $0.running += 1 }
        defer {
            let released = state.withLock { state -> [CheckedContinuation<Void, Never>] in
                state.running -= 1
                guard state.running == 0 else { return [] }
                defer { state.waiters = [:] }
                return Array(state.waiters.values)
            }
            for waiter in released { waiter.resume() }
        }
        return try await body()
    }

    /// Returns when no transaction is running, or after `limit`.
    package func yieldToCommands(atMost limit: Duration) async {
        guard state.withLock({ $0.running > 0 }) else { return }
        let id = state.withLock { state in
            defer { state.nextWaiter += 1 }
            return state.nextWaiter
        }
        await withTaskGroup(of: Void.self) { group in
            group.addTask {
                try? await Task.sleep(for: limit)
                self.resume(id)
            }
            await withCheckedContinuation { continuation in
                let resumeNow = state.withLock { state in
                    guard state.running > 0 else { return true }
                    state.waiters[id] = continuation
                    return false
                }
                if resumeNow { continuation.resume() }
            }
            group.cancelAll()
        }
    }

    private func resume(_ id: Int) {
        state.withLock { $0.waiters.removeValue(forKey: id) }?.resume()
    }
}
