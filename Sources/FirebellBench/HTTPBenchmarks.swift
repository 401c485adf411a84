import AsyncHTTPClient
import FirebellServer
import FirebellTestSupport
import Foundation
import Hummingbird
import Logging
import NIOCore
import Platforms

/// Signed slash commands over HTTP against the real routes (verify → parse → engine → append + fsync → answer),
/// at a fixed request rate across many channels, beside the same load against a bare Hummingbird route that only
/// answers: the framework's floor on this machine, in the same run.
struct HTTPBenchmarks {
    /// How many times the pair of loads is repeated on the same servers (median and spread are reported).
    let runs: Int
    let rate: Int
    let seconds: Int
    let channels: Int
    let directory: URL
    let report: (String, String, String) -> Void

    static let secret = "bench-signing-secret"

    func run() async throws {
        try await Self.withClient { client in
            let firebellPort = try freeLoopbackPort()
            let folder = directory.appendingPathComponent("http")
            var settings = ServeSettings()
            settings[SlackSettings.self] = SlackSettings(signingSecret: Self.secret)
            let logger = quietLogger()
            let firebell = try FirebellApplication(
                configuration: FirebellConfiguration(dataDirectory: folder),
                settings: settings,
                httpClient: client,
                logger: logger
            )
            let firebellApp = firebell.application(port: firebellPort)
            let firebellTask = Task { try await firebellApp.runService() }
            defer { firebellTask.cancel() }
            let barePort = try freeLoopbackPort()
            let bareApp = Self.bareApplication(port: barePort)
            let bareTask = Task { try await bareApp.runService() }
            defer { bareTask.cancel() }
            try await Self.waitUntilUp(client, port: firebellPort, path: "/healthz")
            try await Self.waitUntilUp(client, port: barePort, path: "/healthz")

            // Every channel gets its incident first, so each measured command is a durable note.
            let verifier = SlackRequestVerifier(signingSecret: Self.secret)!
            _ = await load(client, port: firebellPort, verifier: verifier, count: channels, rate: 1000) { "declare sev3 Benchmark \($0)" }
            var served: (p50: [Double], p99: [Double]) = ([], [])
            var bare: (p50: [Double], p99: [Double]) = ([], [])
            var failures = 0
            var sent = 0
            for _ in 1...max(runs, 1) {
                let firebellResult = await load(client, port: firebellPort, verifier: verifier, count: rate * seconds, rate: rate) {
                    "note load \($0)"
                }
                let bareResult = await load(client, port: barePort, verifier: verifier, count: rate * seconds, rate: rate) { "note load \($0)" }
                served.p50.append(firebellResult.percentile(50))
                served.p99.append(firebellResult.percentile(99))
                bare.p50.append(bareResult.percentile(50))
                bare.p99.append(bareResult.percentile(99))
                failures += firebellResult.failures
                sent += firebellResult.latencies.count + firebellResult.failures
            }
            let target = "target p99 ≤ 10 ms at \(rate)/s across \(channels) channels"
            let runsNote = "median (min–max) of \(max(runs, 1)) runs"
            report("HTTP slash command → durable, p50", Stopwatch.spread(served.p50, "%.2f ms"), runsNote)
            report("HTTP slash command → durable, p99", Stopwatch.spread(served.p99, "%.2f ms"), "\(target); \(failures) failed of \(sent)")
            report("bare Hummingbird route, p50", Stopwatch.spread(bare.p50, "%.2f ms"), "the framework's floor, same load")
            report("bare Hummingbird route, p99", Stopwatch.spread(bare.p99, "%.2f ms"), "")
            report("  Firebell p99 ÷ bare p99", Stopwatch.spread(Stopwatch.ratios(served.p99, bare.p99), "%.1f×"), "each run's ratio")
        }
    }

    struct LoadResult {
        var latencies: [Double]
        var failures: Int

        func percentile(_ p: Double) -> Double { latencies.isEmpty ? .nan : Stopwatch.percentile(latencies, p) }
    }

    /// Sends `count` signed commands at `rate` per second (open loop: a slow answer does not slow the sender).
    private func load(
        _ client: HTTPClient,
        port: Int,
        verifier: SlackRequestVerifier,
        count: Int,
        rate: Int,
        text: @escaping @Sendable (Int) -> String
    ) async -> LoadResult {
        await Self.openLoop(client, port: port, verifier: verifier, channels: channels, rate: rate, count: count, text: text)
    }

    /// Signed `note` commands at `rate` per second for `seconds` across `channels` channels, open loop.
    static func openLoop(_ client: HTTPClient, port: Int, verifier: SlackRequestVerifier, channels: Int, rate: Int, seconds: Int) async -> LoadResult
    {
        await openLoop(client, port: port, verifier: verifier, channels: channels, rate: rate, count: rate * seconds) { "note open loop \($0)" }
    }

    static func openLoop(
        _ client: HTTPClient,
        port: Int,
        verifier: SlackRequestVerifier,
        channels: Int,
        rate: Int,
        count: Int,
        text: @escaping @Sendable (Int) -> String
    ) async -> LoadResult {
        let start = ContinuousClock.now
        let interval = Duration.seconds(1) / rate
        return await withTaskGroup(of: Double?.self) { group in
            for index in 0..<count {
                let due = start + interval * index
                if due > .now { try? await Task.sleep(until: due, clock: .continuous) }
                group.addTask {
                    let body = Self.form(text(index), channel: "C\(index % channels)")
                    let sent = ContinuousClock.now
                    guard (try? await send(client, port: port, body: body, verifier: verifier)) == true else { return nil }
                    return (ContinuousClock.now - sent) / .milliseconds(1)
                }
            }
            var result = LoadResult(latencies: [], failures: 0)
            for await latency in group {
                if let latency { result.latencies.append(latency) } else { result.failures += 1 }
            }
            return result
        }
    }

    /// Sends one signed slash command; true when it was answered 200 and read whole.
    static func send(_ client: HTTPClient, port: Int, body: String, verifier: SlackRequestVerifier) async throws -> Bool {
        let timestamp = String(Int(Date().timeIntervalSince1970))
        var request = HTTPClientRequest(url: "http://127.0.0.1:\(port)/slack/commands")
        request.method = .POST
        request.headers.add(name: "Content-Type", value: "application/x-www-form-urlencoded")
        request.headers.add(name: "X-Slack-Request-Timestamp", value: timestamp)
        request.headers.add(name: "X-Slack-Signature", value: verifier.signature(body: Data(body.utf8), timestamp: timestamp))
        request.body = .bytes(ByteBuffer(string: body))
        let response = try await client.execute(request, timeout: .seconds(10))
        _ = try await response.body.collect(upTo: 1 << 16)
        return response.status == .ok
    }

    static func form(_ text: String, channel: String) -> String {
        let encoded = text.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? text
        return "token=x&team_id=T0BENCH&team_domain=bench&channel_id=\(channel)&channel_name=bench&user_id=U0BENCH&user_name=bench"
            + "&command=%2Fincident&text=\(encoded)&response_url=https%3A%2F%2Fhooks.slack.com%2Fcommands%2FT0%2F1%2Fx&trigger_id=1"
    }

    /// A route that reads the body and answers like Firebell does, with none of its work; `GET /status` answers
    /// the given bytes.
    static func bareApplication(port: Int, statusPage: ByteBuffer = ByteBuffer()) -> some ApplicationProtocol {
        let router = Router()
        router.get("/healthz") { _, _ in "ok" }
        router.get("/status") { _, _ in
            Response(status: .ok, headers: [.contentType: "text/html; charset=utf-8"], body: .init(byteBuffer: statusPage))
        }
        router.post("/slack/commands") { request, _ in
            _ = try await request.body.collect(upTo: 64 * 1024)
            return Response(
                status: .ok,
                headers: [.contentType: "application/json"],
                body: .init(byteBuffer: ByteBuffer(string: #"{"response_type":"ephemeral","text":"✓ ok"}"#))
            )
        }
        return Application(router: router, configuration: .init(address: .hostname("127.0.0.1", port: port)), logger: quietLogger("bare"))
    }

    /// Waits (up to 5 s, or 60 s for a peer that starts slowly) until `path` answers 200, or anything with `anyStatus`.
    static func waitUntilUp(_ client: HTTPClient, port: Int, path: String, anyStatus: Bool = false) async throws {
        for _ in 0..<(anyStatus ? 2400 : 200) {
            let status = (try? await client.execute(HTTPClientRequest(url: "http://127.0.0.1:\(port)\(path)"), timeout: .seconds(1)))?.status
            if status == .ok || (anyStatus && status != nil) { return }
            try await Task.sleep(for: .milliseconds(25))
        }
        throw CancellationError()
    }

    static func withClient(_ body: (HTTPClient) async throws -> Void) async throws {
        var configuration = HTTPClient.Configuration()
        configuration.connectionPool.concurrentHTTP1ConnectionsPerHostSoftLimit = 64
        let client = HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
        do {
            try await body(client)
            try await client.shutdown()
        } catch {
            try? await client.shutdown()
            throw error
        }
    }
}
