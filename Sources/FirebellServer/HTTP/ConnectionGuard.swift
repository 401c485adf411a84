import Logging
import NIOCore
import Synchronization

/// Keeps the HTTP server's connections within ``HTTPLimits``: tracks what each connection is doing, and when a new
/// one would go over the limit, closes the connection that has waited longest without a request in progress (a
/// slow or idle client), so a responder's command always gets in. What it closes is counted and logged.
package final class ConnectionGuard: Sendable {
    /// Why a connection was closed by the server.
    package enum Reason: String, Sendable, CaseIterable {
        /// Its request head did not arrive whole within the header timeout.
        case headerTimeout = "header_timeout"
        /// Its request body did not arrive within the body timeout.
        case bodyTimeout = "body_timeout"
        /// It sat idle between requests longer than the idle timeout.
        case idleTimeout = "idle_timeout"
        /// It made room for a newer connection at the connection limit (or was the newest when all were busy).
        case capacity
    }

    /// What a connection is doing, as far as the limits care.
    enum Phase: Sendable {
        /// Waiting for a request head: a new connection, or a kept-alive one between requests. May be closed for room.
        case waiting
        /// A request is being read or answered: never closed for room.
        case busy
    }

    private struct Entry {
        let channel: any Channel
        var phase: Phase
        var since: ContinuousClock.Instant
    }

    private struct State {
        var entries: [ObjectIdentifier: Entry] = [:]
        var closed: [Reason: Int] = [:]
        var closedSinceLog: [Reason: Int] = [:]
        var lastLog: ContinuousClock.Instant?
    }

    package let limits: HTTPLimits
    /// The connection limit in force.
    package let maxConnections: Int
    private let state = Mutex(State())
    private let logger: Logger
    private let onClose: @Sendable (Reason) -> Void
    /// How often closed connections are summarised in the log.
    static let logInterval: Duration = .seconds(60)

    /// - Parameter onClose: counts each close (the metrics).
    package init(limits: HTTPLimits, logger: Logger, onClose: @escaping @Sendable (Reason) -> Void = { _ in }) {
        self.limits = limits
        maxConnections = limits.effectiveMaxConnections
        self.logger = logger
        self.onClose = onClose
    }

    /// How many connections are open.
    package var openConnections: Int { state.withLock { $0.entries.count } }

    /// How many connections the server closed, by reason, since start.
    package var closedConnections: [Reason: Int] { state.withLock { $0.closed } }

    /// A connection opened; over the limit, the longest-waiting idle or slow one is closed to make room.
    func opened(_ channel: any Channel) {
        let now = ContinuousClock.now
        let victim: (any Channel)? = state.withLock { state in
            state.entries[ObjectIdentifier(channel)] = Entry(channel: channel, phase: .waiting, since: now)
            guard state.entries.count > maxConnections else { return nil }
            let waiting = state.entries.filter { $0.value.phase == .waiting && $0.key != ObjectIdentifier(channel) }
            let oldest = waiting.min { $0.value.since < $1.value.since }?.value.channel
            return oldest ?? channel
        }
        if let victim { close(victim, because: .capacity) }
    }

    /// A connection's phase changed.
    func update(_ channel: any Channel, to phase: Phase) {
        state.withLock { state in
            state.entries[ObjectIdentifier(channel)]?.phase = phase
            state.entries[ObjectIdentifier(channel)]?.since = .now
        }
    }

    func closed(_ channel: any Channel) {
        _ = state.withLock { $0.entries.removeValue(forKey: ObjectIdentifier(channel)) }
    }

    /// Closes a connection for `reason`, counts it, and logs a summary at most once a ``logInterval``.
    func close(_ channel: any Channel, because reason: Reason) {
        // Counted before the close: whoever sees the connection end must already find it in the counts.
        onClose(reason)
        let now = ContinuousClock.now
        let summary: [Reason: Int]? = state.withLock { state in
            state.entries.removeValue(forKey: ObjectIdentifier(channel))
            state.closed[reason, default: 0] += 1
            state.closedSinceLog[reason, default: 0] += 1
            if let last = state.lastLog, now - last < Self.logInterval { return nil }
            defer {
                state.closedSinceLog = [:]
                state.lastLog = now
            }
            return state.closedSinceLog
        }
        channel.close(promise: nil)
        if let summary {
            let counts = Reason.allCases.compactMap { reason in summary[reason].map { "\(reason.rawValue)=\($0)" } }
            logger.warning(
                "closed slow, idle or excess HTTP connections",
                metadata: ["closed": "\(counts.joined(separator: " "))", "limit": "\(maxConnections)", "open": "\(openConnections)"]
            )
        }
    }
}
