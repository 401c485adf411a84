import Synchronization

/// The most recent ids seen, bounded: enough to catch Slack's redeliveries (minutes apart).
package final class RecentIDs: Sendable {
    private let state: Mutex<(set: Set<String>, order: [String], start: Int)>
    private let capacity: Int

    package init(capacity: Int) {
        self.capacity = capacity
        state = Mutex(([], [], 0))
    }

    /// Adds `id`; false when it was already there.
    package func insert(_ id: String) -> Bool {
        state.withLock { state in
            guard state.set.insert(id).inserted else { return false }
            state.order.append(id)
            if state.order.count - state.start > capacity {
                state.set.remove(state.order[state.start])
                state.start += 1
                if state.start > capacity {
                    state.order.removeFirst(state.start)
                    state.start = 0
                }
            }
            return true
        }
    }
}
