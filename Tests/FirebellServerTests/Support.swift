import AsyncHTTPClient
import Foundation
import Testing
import Logging
import Synchronization
import FirebellServer
import IncidentKit
import Platforms
@_exported import FirebellTestSupport

/// Collects everything a console session prints.
final class Transcript: Sendable {
    private let lines = Mutex<[String]>([])

    var output: ConsoleOutput { ConsoleOutput { text in self.lines.withLock { $0.append(text) } } }
    var text: String { lines.withLock { $0.joined(separator: "\n") } }
    var blocks: [String] { lines.withLock { $0 } }
    func clear() { lines.withLock { $0.removeAll() } }
}

func quietLogger() -> Logger {
    var logger = Logger(label: "test")
    logger.logLevel = .critical
    return logger
}

/// Runs `body` with an HTTP client that is shut down afterwards, whatever happens.
func withHTTPClient<T: Sendable>(_ body: (HTTPClient) async throws -> T) async throws -> T {
    let client = HTTPClient(eventLoopGroupProvider: .singleton)
    do {
        let value = try await body(client)
        try await client.shutdown()
        return value
    } catch {
        try? await client.shutdown()
        throw error
    }
}

/// Delivery paced for tests: a few milliseconds between posts instead of Slack's one second.
func quickDelivery() -> DeliveryPolicy {
    var policy = DeliveryPolicy()
    policy.minimumInterval = .milliseconds(5)
    policy.backoffBase = .milliseconds(20)
    return policy
}

/// Polls a real outside process (a homeserver, Alertmanager) until `condition` holds, for at most 30 s.
func eventually(_ what: String, _ condition: () async throws -> Bool) async throws {
    let deadline = ContinuousClock.now + .seconds(30)
    while ContinuousClock.now < deadline {
        if (try? await condition()) == true { return }
        try await Task.sleep(for: .milliseconds(100))
    }
    Issue.record("timed out waiting until \(what)")
    throw CancellationError()
}
