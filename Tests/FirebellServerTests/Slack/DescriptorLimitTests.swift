import AsyncHTTPClient
import FirebellTestSupport
import Foundation
import IncidentKit
import IncidentStore
import NIOCore
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// The real binary under a small open-file limit (`ulimit -n 256`, a quarter of systemd's default): hundreds of
/// channels and hundreds of slow clients do not run it out of descriptors.
@Suite("firebell serve under an open-file limit", .timeLimit(.minutes(2)))
struct DescriptorLimitTests {
    /// Starts `firebell serve` under `ulimit -n 256` with Slack commands on; runs `body` with its port and pid.
    func withLimitedFirebell(_ folder: TemporaryFolder, _ body: (Int, Int32) async throws -> Void) async throws {
        let port = try freeLoopbackPort()
        let child = try ChildProcess(
            URL(fileURLWithPath: "/bin/sh"),
            arguments: ["-c", "ulimit -n 256 && exec \"$0\" serve --data \"$1\"", CrashRecoveryTests.binary.path, folder.url.path],
            environment: [
                "HOME": folder.url.path, "PATH": "/usr/bin:/bin", "SLACK_SIGNING_SECRET": SlackServeTests.secret,
                "FIREBELL_WAR_ROOM_SEVERITIES": "none",
                "FIREBELL_HTTP_HOST": "127.0.0.1", "FIREBELL_HTTP_PORT": "\(port)", "FIREBELL_LOG_LEVEL": "error",
            ],
            limit: 100
        )
        let http = HTTPClient.shared  // never shut down: a failed expectation that throws cannot crash the run
        var up = false
        for _ in 0..<200 where !up {
            up = (try? await http.execute(HTTPClientRequest(url: "http://127.0.0.1:\(port)/healthz"), timeout: .seconds(1)))?.status == .ok
            if !up { try await Task.sleep(for: .milliseconds(25)) }
        }
        #expect(up, "firebell serve answered /healthz")
        do { try await body(port, child.pid) } catch {
            await child.stopped(with: SIGTERM)
            throw error
        }
        await child.stopped(with: SIGTERM)
        #expect(child.process.terminationStatus == 0, "a clean exit")
    }

    /// A signed `/incident` command in `channel`; returns the answer shown to the invoker.
    static func command(_ http: HTTPClient, port: Int, _ text: String, channel: String, timeout: TimeAmount = .seconds(10)) async throws -> String {
        let serve = SlackServeTests()
        let body = serve.form(text, channel: channel)
        var request = HTTPClientRequest(url: "http://127.0.0.1:\(port)/slack/commands")
        request.method = .POST
        for field in serve.signed(body) { request.headers.add(name: field.name.rawName, value: field.value) }
        request.body = .bytes(ByteBuffer(string: body))
        let response = try await http.execute(request, timeout: timeout)
        return String(buffer: try await response.body.collect(upTo: 1 << 16))
    }

    /// The descriptors the process holds now.
    static func openDescriptors(of pid: Int32) -> Int {
        (try? FileManager.default.contentsOfDirectory(atPath: "/proc/\(pid)/fd").count) ?? 0
    }

    @Test func fourHundredChannelsWorkUnderALimitOf256() async throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        try await withLimitedFirebell(folder) { port, pid in
            let http = HTTPClient.shared  // never shut down: a failed expectation that throws cannot crash the run
            let answers = try await withThrowingTaskGroup(of: String.self) { group in
                var answers: [String] = []
                for number in 0..<400 {
                    if number >= 16, let answer = try await group.next() { answers.append(answer) }
                    group.addTask { try await Self.command(http, port: port, "declare sev3 Drill \(number)", channel: "C\(number)") }
                }
                for try await answer in group { answers.append(answer) }
                return answers
            }
            let held = Self.openDescriptors(of: pid)
            #expect(answers.count == 400 && answers.allSatisfy { $0.contains("✓") }, "\(answers.first { !$0.contains("✓") } ?? "")")
            #expect(held < 128, "idle channels hold no descriptors: \(held) open")
        }
        let loaded = try DataFolder.load(DataLayout(root: folder.url))
        #expect(loaded.channels.count == 400 && loaded.repairs.isEmpty)
    }

    /// 300 rather than 200: enough to exhaust the 256 descriptors if nothing closed them.
    @Test func threeHundredSlowClientsDoNotLockOutACommand() async throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        try await withLimitedFirebell(folder) { port, _ in
            // Each sends a request head a byte at a time and never finishes it.
            var slow: [SlowClient] = []
            for _ in 0..<300 {
                guard let connection = try? SlowClient(port: port) else { continue }
                connection.send("P")
                slow.append(connection)
            }
            for byte in "OST /slack/commands HTTP/1.1\r\n".prefix(4) { for connection in slow { connection.send(String(byte)) } }
            // A client of its own: the shared one's kept-alive `/healthz` connection from start-up is the
            // longest-waiting one, closed for room, and a request sent on it as it closes would be lost in flight.
            try await withHTTPClient { http in
                let answer = try await Self.command(http, port: port, "declare sev2 Checkout down", channel: "C0INCIDENT", timeout: .seconds(2))
                let health = try await http.execute(HTTPClientRequest(url: "http://127.0.0.1:\(port)/healthz"), timeout: .seconds(2))
                #expect(answer.contains("✓"), "answered within 2 s among 300 slow clients: \(answer)")
                #expect(health.status == .ok)
            }
            _ = slow
        }
    }
}
