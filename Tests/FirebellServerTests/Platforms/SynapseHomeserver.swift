import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1

#if canImport(Glibc)
import Glibc
#endif

/// A real Matrix homeserver for tests: Synapse from PyPI in a virtual environment (`.build/synapse-venv`),
/// SQLite, the client API on loopback only, no federation. Stopped by process id.
final class SynapseHomeserver: @unchecked Sendable {
    static let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent()
    static let venv = packageRoot.appendingPathComponent(".build/synapse-venv")
    static let script = packageRoot.appendingPathComponent("Tests/Matrix/prepare-synapse.sh")

    /// Why Synapse cannot run here (Python or the package index unreachable), or nil when it can.
    static let unavailable: String? = {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("synapse-probe-\(getpid())")
        defer { try? FileManager.default.removeItem(at: folder) }
        let (status, output) = runBlocking("/bin/bash", [script.path, venv.path, folder.path, "1"])
        guard status != 0 else { return nil }
        return "Synapse could not be prepared (exit \(status)): \(output.suffix(300))"
    }()

    let url: String
    let folder: TemporaryFolder
    private let process: ChildProcess

    /// Prepares a configuration and starts the homeserver (not yet answering: see `waitUntilUp`).
    static func start() async throws -> SynapseHomeserver {
        let folder = try TemporaryFolder()
        let port = try freeLoopbackPort()
        let (status, output) = await run("/bin/bash", [script.path, venv.path, folder.url.path, String(port)])
        guard status == 0 else { throw SynapseFailure(description: "prepare-synapse.sh failed: \(output)") }
        return try SynapseHomeserver(folder: folder, port: port)
    }

    private init(folder: TemporaryFolder, port: Int) throws {
        self.folder = folder
        url = "http://127.0.0.1:\(port)"
        process = try ChildProcess(
            Self.venv.appendingPathComponent("bin/python"),
            arguments: ["-m", "synapse.app.homeserver", "-c", folder.url.appendingPathComponent("homeserver.yaml").path],
            environment: ["PATH": "/usr/bin:/bin"],
            limit: 170,
            workingDirectory: folder.url
        )
    }

    /// Waits (at most 60 s) until the client API answers.
    func waitUntilUp(_ client: HTTPClient) async throws {
        let deadline = ContinuousClock.now + .seconds(60)
        while ContinuousClock.now < deadline {
            if let response = try? await client.execute(HTTPClientRequest(url: url + "/_matrix/client/versions"), timeout: .seconds(2)),
                response.status == .ok
            {
                return
            }
            try await Task.sleep(for: .milliseconds(250))
        }
        throw SynapseFailure(description: "Synapse did not start within 60 s")
    }

    func register(_ user: String, password: String) async throws {
        let (status, output) = await Self.run(
            Self.venv.appendingPathComponent("bin/register_new_matrix_user").path,
            ["-c", folder.url.appendingPathComponent("homeserver.yaml").path, "-u", user, "-p", password, "--no-admin", url]
        )
        guard status == 0 else { throw SynapseFailure(description: "registering \(user) failed: \(output)") }
    }

    /// A throwaway server: killed outright (Synapse waits for open long polls on SIGTERM).
    func stop() {
        process.stop(with: SIGKILL)
        folder.remove()
    }

    static func run(_ executable: String, _ arguments: [String]) async -> (Int32, String) {
        let (status, output) = await ChildProcess.output(
            URL(fileURLWithPath: executable),
            arguments: arguments,
            environment: ["PATH": "/usr/local/bin:/usr/bin:/bin", "HOME": NSTemporaryDirectory()],
            limit: 600
        )
        return (status, String(decoding: output, as: UTF8.self))
    }

    /// For the one check made before any test runs (whether Synapse can be installed at all).
    static func runBlocking(_ executable: String, _ arguments: [String]) -> (Int32, String) {
        let output = Pipe()
        guard
            let child = try? ChildProcess(
                URL(fileURLWithPath: executable),
                arguments: arguments,
                environment: ["PATH": "/usr/local/bin:/usr/bin:/bin", "HOME": NSTemporaryDirectory()],
                stdout: output,
                limit: 600
            )
        else { return (127, "could not start \(executable)") }
        let data = output.fileHandleForReading.readDataToEndOfFile()
        child.process.waitUntilExit()
        return (child.process.terminationStatus, String(decoding: data, as: UTF8.self))
    }
}

struct SynapseFailure: Error, CustomStringConvertible {
    let description: String
}

/// A person using Matrix in the test: logs in and talks to the homeserver's client API.
struct MatrixPerson: Sendable {
    let homeserver: String
    let token: String
    let userID: String
    let client: HTTPClient

    static func login(_ user: String, password: String, homeserver: String, client: HTTPClient) async throws -> MatrixPerson {
        let answer = try await call(
            client,
            .POST,
            homeserver + "/_matrix/client/v3/login",
            token: nil,
            ["type": "m.login.password", "identifier": ["type": "m.id.user", "user": user], "password": password]
        )
        guard let token = answer["access_token"] as? String, let id = answer["user_id"] as? String else {
            throw SynapseFailure(description: "login of \(user) failed: \(answer)")
        }
        return MatrixPerson(homeserver: homeserver, token: token, userID: id, client: client)
    }

    func call(_ method: HTTPMethod, _ path: String, _ body: [String: Any]? = nil) async throws -> [String: Any] {
        try await Self.call(client, method, homeserver + path, token: token, body)
    }

    static func call(
        _ client: HTTPClient,
        _ method: HTTPMethod,
        _ url: String,
        token: String?,
        _ body: [String: Any]? = nil
    ) async throws -> [String: Any] {
        var request = HTTPClientRequest(url: url)
        request.method = method
        if let token { request.headers.add(name: "Authorization", value: "Bearer \(token)") }
        if let body {
            request.headers.add(name: "Content-Type", value: "application/json")
            request.body = .bytes(ByteBuffer(bytes: try JSONSerialization.data(withJSONObject: body)))
        }
        let response = try await client.execute(request, timeout: .seconds(10))
        let bytes = try await response.body.collect(upTo: 4 << 20)
        return (try? JSONSerialization.jsonObject(with: Data(bytes.readableBytesView))) as? [String: Any] ?? [:]
    }

    static func path(_ text: String) -> String {
        text.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? text
    }
}
