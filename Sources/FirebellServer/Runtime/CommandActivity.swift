import Synchronization

/// How many transactions are running, and a way for work that can wait (the status page during a stampede) to let
/// them finish first: a waiter goes on when none is running, or after its own deadline, whichever comes first.
package final class CommandActivity: Sendable {
    private struct State {
        var running = 0
        var nextWaiter = 0
        var waiters: [Int: @Sendable () -> Void] = [:]
    }

    private let state = Mutex(State())

    package init() {}

    /// How many transactions are running now.
    package var runningCount: Int { state.withLock { $0.running } }

    /// Runs `body` as one running transaction.
    func running<T, Failure: Error>(_ body: () async throws(Failure) -> T) async throws(Failure) -> T {
        state.withLock { $0.running += 1 }
        defer {
            let released = state.withLock { state -> [@Sendable () -> Void] in
                state.running -= 1
                guard state.running == 0 else { return [] }
                defer { state.waiters = [:] }
                return Array(state.waiters.values)
            }
            for waiter in released { waiter() }
        }
        return try await body()
    }

    /// Calls `proceed` exactly once: at once (returning nil) when no transaction is running, else when the last
    /// running one ends or when ``expire(_:)`` is called with the returned id, whichever comes first.
    func whenIdle(_ proceed: @escaping @Sendable () -> Void) -> Int? {
        let id: Int? = state.withLock { state in
            guard state.running > 0 else { return nil }
            defer { state.nextWaiter += 1 }
            state.waiters[state.nextWaiter] = proceed
            return state.nextWaiter
        }
        if id == nil { proceed() }
        return id
    }

    /// Lets the waiter `id` go on now, if it is still waiting (its deadline).
    func expire(_ id: Int) {
        state.withLock { $0.waiters.removeValue(forKey: id) }?()
    }

    /// Returns when no transaction is running, or after `limit`.
    package func yieldToCommands(atMost limit: Duration) async {
        guard runningCount > 0 else { return }
        await withTaskGroup(of: Void.self) { group in
            await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                guard let id = whenIdle({ continuation.resume() }) else { return }
                group.addTask {
                    try? await Task.sleep(for: limit)
                    self.expire(id)
                }
            }
            group.cancelAll()
        }
    }
}
