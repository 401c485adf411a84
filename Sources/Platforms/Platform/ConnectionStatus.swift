import Synchronization

/// Whether a connection is up, readable from any task.
package final class ConnectionStatus: Sendable {
    private let state: Mutex<Bool>
    package init(initially: Bool) { state = Mutex(initially) }
    package var isUp: Bool { state.withLock { $0 } }
    package func set(_ up: Bool) { state.withLock { $0 = up } }
}
