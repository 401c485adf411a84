import Synchronization

/// Whether a connection is up, readable from any task.
public final class ConnectionStatus: Sendable {
    private let state: Mutex<Bool>
    public init(initially: Bool) { state = Mutex(initially) }
    public var isUp: Bool { state.withLock { $0 } }
    public func set(_ up: Bool) { state.withLock { $0 = up } }
}
