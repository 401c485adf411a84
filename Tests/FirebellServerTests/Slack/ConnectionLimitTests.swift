import AsyncHTTPClient
import FirebellTestSupport
import Foundation
import Hummingbird
import HummingbirdTesting
import IncidentKit
import NIOCore
import Testing

@testable import FirebellServer

/// Slow and idle clients cannot hold the server: a request head, a body and the pause between requests each have a
/// deadline, and at the connection limit the longest-waiting connection without a request in progress makes room.
extension SlackServeTests {
    @Test func slowClientsAreClosedAndCommandsAndHealthKeepAnswering() async throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let limits = {
            var limits = HTTPLimits()
            limits.maxConnections = 16
            limits.headerTimeout = .seconds(1)
            limits.bodyTimeout = .seconds(1)
            limits.idleTimeout = .seconds(1)
            return limits
        }()
        let standIn = SlackStandIn()
        try await standIn.application().test(.live) { standInClient in
            try await withFirebell(standInPort: standInClient.port!, folder: folder, limits: limits) { client, firebell in
                let port = client.port!
                // 40 clients sending a request head a byte at a time: more than the limit allows.
                var slow: [SlowClient] = []
                for _ in 0..<40 {
                    let connection = try SlowClient(port: port)
                    connection.send("POST /slack/commands HTTP/1.1\r\nHost: 127.0.0.1\r\n")
                    slow.append(connection)
                }
                // Commands and /healthz are answered meanwhile, each within 2 s.
                let http = HTTPClient.shared  // never shut down: a failed expectation that throws cannot crash the run
                let body = form("declare sev2 Checkout down")
                var request = HTTPClientRequest(url: "http://127.0.0.1:\(port)/slack/commands")
                request.method = .POST
                for field in signed(body) { request.headers.add(name: field.name.rawName, value: field.value) }
                request.body = .bytes(ByteBuffer(string: body))
                let answered = try await http.execute(request, timeout: .seconds(2))
                #expect(answered.status == .ok)
                #expect(String(buffer: try await answered.body.collect(upTo: 1 << 16)).contains("✓"))
                let health = try await http.execute(HTTPClientRequest(url: "http://127.0.0.1:\(port)/healthz"), timeout: .seconds(2))
                #expect(health.status == .ok)

                // Every slow connection is closed: for room at once, or at its header deadline; none outlives 10 s.
                for connection in slow { connection.send("X") }
                let deadline = ContinuousClock.now + .seconds(10)
                var open = 0
                for connection in slow {
                    let left = max(1, Int((deadline - ContinuousClock.now) / .milliseconds(1)))
                    if await !connection.isClosedByServer(within: left) { open += 1 }
                }
                #expect(open == 0, "every slowloris connection was closed")

                // Below the limit (so nothing is closed for room): one whose head is whole but whose body never
                // comes, and one kept alive after its answer. The stalled one carries a fresh timestamp and a
                // signature, so the verifier waits for the body (without them it would answer 401 at once).
                let stalledBody = try SlowClient(port: port)
                let stamp = Int(Date().timeIntervalSince1970)
                stalledBody.send(
                    "POST /slack/commands HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 100\r\nX-Slack-Request-Timestamp: \(stamp)\r\n"
                        + "X-Slack-Signature: v0=\(String(repeating: "0", count: 64))\r\n\r\nx"
                )
                let idle = try SlowClient(port: port)
                idle.send("GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
                #expect(await stalledBody.isClosedByServer(within: 10_000), "a body that never comes is cut off")
                #expect(await idle.isClosedByServer(within: 10_000), "an idle kept-alive connection is closed")
                let closed = firebell.httpConnections.closedConnections
                #expect((closed[.capacity] ?? 0) >= 40 - 16, "connections over the limit made room: \(closed)")
                #expect((closed[.headerTimeout] ?? 0) >= 1, "\(closed)")
                #expect(closed[.bodyTimeout] == 1, "\(closed)")
                #expect((closed[.idleTimeout] ?? 0) >= 1, "\(closed)")
                #expect(firebell.httpConnections.openConnections <= 16)
                let metrics = try await http.execute(HTTPClientRequest(url: "http://127.0.0.1:\(port)/metrics"), timeout: .seconds(2))
                let exposition = String(buffer: try await metrics.body.collect(upTo: 1 << 20))
                #expect(exposition.contains("firebell_http_connections_closed_total{reason=\"header_timeout\"}"))
            }
        }
    }
}
