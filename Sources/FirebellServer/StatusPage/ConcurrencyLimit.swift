import Synchronization

/// At most `limit` holders at a time; the rest wait in arrival order without using a thread. Keeps readers of the
/// status page from crowding out responders: during an outage's stampede, status requests queue here (costing
/// nothing) while commands keep their share of the CPU.
final class ConcurrencyLimit: Sendable {
    private struct State {
        var holders = 0
        var waiting: [CheckedContinuation<Void, Never>] = []
    }

    let limit: Int
    private let state = Mutex(State())

    init(_ limit: Int) { self.limit = max(1, limit) }

    /// Runs `body` once a place is free.
    func run<T>(_ body: () async throws -> T) async rethrows -> T {
        await acquire()
        defer { release() }
        return try await body()
    }

    private func acquire() async {
        let admitted = state.withLock { state in
            guard state.holders < limit else { return false }
            state.holders += 1
            return true
        }
        guard !admitted else { return }
        await withCheckedContinuation { continuation in
            let now = state.withLock { state in
                // A place may have come free between the check and here.
                guard state.holders < limit else {
                    state.waiting.append(continuation)
                    return false
                }
                state.holders += 1
                return true
            }
            if now { continuation.resume() }
        }
    }

    /// Hands the place to the next waiter (who then holds it), or frees it.
    private func release() {
        let next = state.withLock { state in
            guard !state.waiting.isEmpty else {
                state.holders -= 1
                return CheckedContinuation<Void, Never>?.none
            }
            return state.waiting.removeFirst()
        }
        next?.resume()
    }
}
