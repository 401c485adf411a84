import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// How many connections the HTTP server keeps and how long it waits for each part of a request, so that slow or idle
/// clients cannot hold the descriptors and the turns that commands and `/healthz` need.
package struct HTTPLimits: Sendable, Equatable {
    /// The most connections kept open; nil: derived from the process's open-file limit (``defaultMaxConnections``).
    package var maxConnections: Int?
    /// How long a new connection may take to send a whole request head (line and headers).
    package var headerTimeout: Duration = .seconds(10)
    /// How long a request may take to send its body once its head is in.
    package var bodyTimeout: Duration = .seconds(30)
    /// How long a kept-alive connection may sit between a response and the next request's whole head.
    package var idleTimeout: Duration = .seconds(60)

    package init() {}

    /// The shortest of the three timeouts (at least 10 ms): how long a connection's timer may wait before it looks
    /// at its deadline again.
    var shortestTimeout: Duration { max(min(headerTimeout, bodyTimeout, idleTimeout), .milliseconds(10)) }

    /// Descriptors kept back from connections for the data folder (appends in flight, snapshots, start-up reads),
    /// outbound HTTP, the platforms' sockets and the runtime itself.
    static let reservedDescriptors = 128

    /// The connection limit in force: the configured one, or the open-file limit less what the rest of the process
    /// needs (at least 16, at most 10,000). Under systemd's default of 1,024 that is 896.
    package var effectiveMaxConnections: Int { maxConnections ?? Self.defaultMaxConnections(openFileLimit: Self.openFileLimit()) }

    static func defaultMaxConnections(openFileLimit: Int) -> Int {
        min(10_000, max(16, openFileLimit - reservedDescriptors))
    }

    /// The process's soft limit on open files (`ulimit -n`).
    package static func openFileLimit() -> Int {
        var limit = rlimit()
        #if os(Linux)
        let resource = __rlimit_resource_t(RLIMIT_NOFILE.rawValue)
        #else
        let resource = RLIMIT_NOFILE
        #endif
        guard getrlimit(resource, &limit) == 0 else { return 1024 }
        // `RLIM_INFINITY` is all ones; anything past a million is as good as unlimited here.
        return Int(min(limit.rlim_cur, 1 << 20))
    }
}
