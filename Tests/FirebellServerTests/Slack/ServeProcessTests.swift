import AsyncHTTPClient
import Foundation
import HummingbirdTesting
import IncidentKit
import IncidentStore
import NIOCore
import Platforms
import Testing

#if canImport(Glibc)
import Glibc
#endif

@Suite("firebell serve process", .timeLimit(.minutes(1)))
struct ServeProcessTests {
    /// A port already taken ends the start with the bind error and a failure status; "listening" is said only once
    /// the socket is bound.
    @Test func aPortInUseIsReportedAndListeningIsNeverAnnounced() async throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let occupant = SlackStandIn()
        try await occupant.application().test(.live) { taken in
            let port = taken.port!
            let logURL = folder.url.appendingPathComponent("taken.log")
            _ = FileManager.default.createFile(atPath: logURL.path, contents: nil)
            let output = Pipe()
            let child = try ChildProcess(
                CrashRecoveryTests.binary,
                arguments: ["serve", "--data", folder.url.appendingPathComponent("data").path],
                environment: [
                    "HOME": folder.url.path, "PATH": "/usr/bin:/bin", "SLACK_SIGNING_SECRET": "s",
                    "FIREBELL_HTTP_HOST": "127.0.0.1", "FIREBELL_HTTP_PORT": "\(port)",
                ],
                stdout: output,
                stderr: try FileHandle(forWritingTo: logURL),
                limit: 30
            )
            let printed = await blocking { output.fileHandleForReading.readDataToEndOfFile() }
            let status = await child.exited()
            let log = try String(contentsOf: logURL, encoding: .utf8) + String(decoding: printed, as: UTF8.self)
            #expect(status != 0, "a start that cannot bind fails")
            #expect(!log.contains("listening"), "never announced: \(log)")
            #expect(log.lowercased().contains("address already in use") || log.lowercased().contains("bind"), "the reason is said: \(log)")
        }
    }

    @Test func sigtermFinishesInFlightWorkFlushesTheOutboxAndExitsZero() async throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let standIn = SlackStandIn()
        try await standIn.application().test(.live) { standInClient in
            let port = try freeLoopbackPort()
            let environment = [
                "HOME": folder.url.path, "PATH": "/usr/bin:/bin",
                "SLACK_SIGNING_SECRET": SlackServeTests.secret, "SLACK_BOT_TOKEN": "xoxb-process", "FIREBELL_WAR_ROOM_SEVERITIES": "none",
                "SLACK_API_URL": "http://127.0.0.1:\(standInClient.port!)/api/",
                "FIREBELL_HTTP_HOST": "127.0.0.1", "FIREBELL_HTTP_PORT": "\(port)", "FIREBELL_LOG_LEVEL": "error",
            ]
            let child = try ChildProcess(
                CrashRecoveryTests.binary,
                arguments: ["serve", "--data", folder.url.path],
                environment: environment,
                limit: 45
            )

            let http = HTTPClient.shared  // never shut down: a failed expectation that throws cannot crash the run
            // Start-up is bounded: 200 tries, 25 ms apart.
            var up = false
            for _ in 0..<200 where !up {
                up = (try? await http.execute(HTTPClientRequest(url: "http://127.0.0.1:\(port)/healthz"), timeout: .seconds(1)))?.status == .ok
                if !up { try await Task.sleep(for: .milliseconds(25)) }
            }
            #expect(up, "firebell serve answered /healthz")

            let serve = SlackServeTests()
            let body = serve.form("declare sev2 Shutdown drill")
            var request = HTTPClientRequest(url: "http://127.0.0.1:\(port)/slack/commands")
            request.method = .POST
            for field in serve.signed(body) { request.headers.add(name: field.name.rawName, value: field.value) }
            request.body = .bytes(ByteBuffer(string: body))
            let response = try await http.execute(request, timeout: .seconds(5))
            #expect(response.status == .ok)

            await child.stopped(with: SIGTERM)
            #expect(child.process.terminationReason == .exit && child.process.terminationStatus == 0, "a clean exit on SIGTERM")
        }
        #expect(await standIn.posted.count == 1, "the Initial Alert was delivered before exit")
        let loaded = try DataFolder.load(DataLayout(root: folder.url))
        #expect(loaded.channels.values.first?.count == 1, "the acknowledged command is in the log")
        #expect(loaded.repairs.isEmpty)
    }
}
