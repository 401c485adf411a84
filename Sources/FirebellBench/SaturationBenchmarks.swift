import AsyncHTTPClient
import FirebellServer
import FirebellTestSupport
import Foundation
import Hummingbird
import NIOCore
import Platforms

/// Saturation figures, each a ratio to a reference measured in the same run, repeated `runs` times (median and
/// spread): signed durable commands/s against the bare route and against a Slack Bolt app doing the same work;
/// `/status` requests/s against the bare route serving the same bytes; and a command's p99 during a 64-connection
/// `/status` stampede against its p99 alone.
struct SaturationBenchmarks {
    let runs: Int
    let seconds: Int
    let channels: Int
    let directory: URL
    let report: (String, String, String) -> Void

    struct Figures {
        var firebell: [Double] = []
        var bare: [Double] = []
        var bolt: [Double] = []
        var minimal: [Double] = []
        var direct: [Double] = []
        var minimalUnsynced: [Double] = []
        /// Firebell's appends per sync while it was saturated.
        var firebellGrouping: [Double] = []
        var status: [Double] = []
        var bareStatus: [Double] = []
        var p99Alone: [Double] = []
        var p99Stampede: [Double] = []
        var p99SamePort: [Double] = []
        var failures = 0
    }

    /// Where the run is, on standard error.
    private func progress(_ step: String) { FileHandle.standardError.write(Data("saturation: \(step)\n".utf8)) }

    func run() async throws {
        guard Wrk.isInstalled else { throw BenchmarkError("saturation needs wrk: apt-get install wrk") }
        let folder = directory.appendingPathComponent("saturation")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let wrk = Wrk(folder: folder)
        let verifier = SlackRequestVerifier(signingSecret: HTTPBenchmarks.secret)!
        try await HTTPBenchmarks.withClient { client in
            let port = try freeLoopbackPort()
            let statusPort = try freeLoopbackPort()
            var settings = ServeSettings()
            settings[SlackSettings.self] = SlackSettings(signingSecret: HTTPBenchmarks.secret)
            let firebell = try FirebellApplication(
                configuration: FirebellConfiguration(dataDirectory: folder.appendingPathComponent("firebell")),
                settings: settings,
                httpClient: client,
                logger: quietLogger()
            )
            let app = firebell.application(port: port, statusPagePort: statusPort)
            let task = Task { try await app.runService() }
            defer { task.cancel() }
            try await HTTPBenchmarks.waitUntilUp(client, port: port, path: "/healthz")
            progress("declaring \(channels) incidents")
            // Every channel gets an active incident: each measured command is a durable note, and the status page
            // shows `channels` incidents.
            for number in 0..<channels {
                let body = HTTPBenchmarks.form("declare sev3 Benchmark incident \(number)", channel: "C\(number)")
                _ = try await HTTPBenchmarks.send(client, port: port, body: body, verifier: verifier)
            }
            let page = try await client.execute(HTTPClientRequest(url: "http://127.0.0.1:\(port)/status"), timeout: .seconds(10))
            let pageBytes = try await page.body.collect(upTo: 1 << 24)

            let barePort = try freeLoopbackPort()
            let bare = HTTPBenchmarks.bareApplication(port: barePort, statusPage: pageBytes)
            let bareTask = Task { try await bare.runService() }
            defer { bareTask.cancel() }
            try await HTTPBenchmarks.waitUntilUp(client, port: barePort, path: "/healthz")

            // The least a durable command costs here: no framework, no incident logic (and the same without the sync).
            let minimal = try await MinimalCommandServer(
                folder: folder.appendingPathComponent("minimal"),
                secret: HTTPBenchmarks.secret,
                durable: true
            )
            // Firebell's transaction behind that front: what the HTTP front costs, and what the transaction does.
            let direct = try await MinimalCommandServer(
                folder: folder.appendingPathComponent("direct"),
                secret: HTTPBenchmarks.secret,
                durable: true,
                service: firebell.service
            )
            let unsynced = try await MinimalCommandServer(
                folder: folder.appendingPathComponent("minimal-unsynced"),
                secret: HTTPBenchmarks.secret,
                durable: false
            )

            progress("starting the Slack Bolt peer")
            let boltPort = try freeLoopbackPort()
            let peer = BoltPeer(port: boltPort, dataFolder: folder.appendingPathComponent("bolt"), secret: HTTPBenchmarks.secret)
            var bolt: Spawn?
            do {
                try peer.setUp()
                bolt = try peer.start()
                try await HTTPBenchmarks.waitUntilUp(client, port: boltPort, path: "/slack/commands", anyStatus: true)
            } catch {
                report("Slack Bolt peer", "not run", "\(error)")
            }
            defer { bolt?.stop() }

            var figures = Figures()
            for run in 1...runs {
                progress("run \(run) of \(runs)")
                // Signed now, so every signature is inside Slack's five-minute window for the whole run.
                let timestamp = String(Int(Date().timeIntervalSince1970))
                try wrk.prepare(
                    requests: (0..<20_000).map { index in
                        let body = HTTPBenchmarks.form("note saturation \(index)", channel: "C\(index % channels)")
                        return (timestamp, verifier.signature(body: Data(body.utf8), timestamp: timestamp), body)
                    }
                )
                let groupedBefore = firebell.service.commitStatistics
                let commands = try await wrk.run("http://127.0.0.1:\(port)", connections: 16, seconds: seconds, signed: true)
                let groupedAfter = firebell.service.commitStatistics
                figures.firebellGrouping.append(Stopwatch.appendsPerSync(groupedAfter, since: groupedBefore))
                let bareCommands = try await wrk.run("http://127.0.0.1:\(barePort)", connections: 16, seconds: seconds, signed: true)
                let minimalCommands = try await wrk.run("http://127.0.0.1:\(minimal.port)", connections: 16, seconds: seconds, signed: true)
                let directCommands = try await wrk.run("http://127.0.0.1:\(direct.port)", connections: 16, seconds: seconds, signed: true)
                figures.direct.append(directCommands.requestsPerSecond)
                figures.failures += directCommands.failures
                let unsyncedCommands = try await wrk.run("http://127.0.0.1:\(unsynced.port)", connections: 16, seconds: seconds, signed: true)
                figures.firebell.append(commands.requestsPerSecond)
                figures.bare.append(bareCommands.requestsPerSecond)
                figures.minimal.append(minimalCommands.requestsPerSecond)
                figures.minimalUnsynced.append(unsyncedCommands.requestsPerSecond)
                figures.failures += commands.failures + minimalCommands.failures + unsyncedCommands.failures
                if bolt != nil {
                    figures.bolt.append(
                        try await wrk.run("http://127.0.0.1:\(boltPort)", connections: 16, seconds: seconds, signed: true).requestsPerSecond
                    )
                }
                figures.status.append(
                    try await wrk.run("http://127.0.0.1:\(port)/status", connections: 16, seconds: seconds, signed: false).requestsPerSecond
                )
                figures.bareStatus.append(
                    try await wrk.run("http://127.0.0.1:\(barePort)/status", connections: 16, seconds: seconds, signed: false).requestsPerSecond
                )
                // The commands come from a client in its own process, so their latency is the server's, not that of
                // event loops shared with the server under test.
                let alone = try await openLoopInOwnProcess(port: port)
                // The stampede on the status page's own listener (`status_page_port`, the deployment for a public
                // page), then on the command port, which serves the page too.
                let stampede = try wrk.start("http://127.0.0.1:\(statusPort)/status", connections: 64, seconds: seconds + 2)
                try await Task.sleep(for: .seconds(1))
                let during = try await openLoopInOwnProcess(port: port)
                _ = await stampede.finished()
                let samePortStampede = try wrk.start("http://127.0.0.1:\(port)/status", connections: 64, seconds: seconds + 2)
                try await Task.sleep(for: .seconds(1))
                let samePort = try await openLoopInOwnProcess(port: port)
                _ = await samePortStampede.finished()
                figures.p99Alone.append(alone.p99)
                figures.p99Stampede.append(during.p99)
                figures.p99SamePort.append(samePort.p99)
                figures.failures += alone.failures + during.failures + samePort.failures
            }
            await minimal.stop()
            await unsynced.stop()
            present(figures)
            report(
                "  minimal path: appends per sync",
                String(format: "%.1f", Stopwatch.appendsPerSync(minimal.committer.statistics)),
                "(the store's GroupCommit, as Firebell uses it)"
            )
        }
    }

    /// `firebell-bench --only client`: signed notes at 200/s for `seconds`, from a fresh process.
    private func openLoopInOwnProcess(port: Int) async throws -> (p99: Double, failures: Int) {
        let arguments = [
            "--only", "client", "--port", "\(port)", "--rate", "200", "--http-seconds", "\(seconds)", "--keep",
            "--dir", directory.appendingPathComponent("client").path,
        ]
        let output = try await Spawn(CommandLine.arguments[0], arguments, captureOutput: true).finished().output
        let fields = output.split(whereSeparator: \.isWhitespace)
        guard let index = fields.firstIndex(of: "p99"), index + 3 < fields.count, let p99 = Double(fields[index + 1]),
            let failures = Int(fields[index + 3])
        else { throw BenchmarkError("the command client said: \(output)") }
        return (p99, failures)
    }

    /// The command client's side: prints `p99 <ms> failures <n>`.
    static func client(port: Int, rate: Int, seconds: Int, channels: Int) async {
        let verifier = SlackRequestVerifier(signingSecret: HTTPBenchmarks.secret)!
        try? await HTTPBenchmarks.withClient { client in
            let result = await HTTPBenchmarks.openLoop(client, port: port, verifier: verifier, channels: channels, rate: rate, seconds: seconds)
            print("p99 \(result.percentile(99)) failures \(result.failures)")
        }
    }

    private func present(_ figures: Figures) {
        let runsNote = "median (min–max) of \(runs) runs, 16 connections, \(channels) channels"
        report("saturation: Firebell commands/s", Stopwatch.spread(figures.firebell, "%.0f"), "signed, durable notes; \(runsNote)")
        report("saturation: bare route /s", Stopwatch.spread(figures.bare, "%.0f"), "same requests, no work")
        report("  Firebell ÷ bare route", Stopwatch.spread(Stopwatch.ratios(figures.firebell, figures.bare), "%.2f"), "target ≥ 0.40 (and ≥ 8k/s)")
        report("  Firebell: appends per sync", Stopwatch.spread(figures.firebellGrouping, "%.1f"), "while saturated (its GroupCommit)")
        report("saturation: minimal durable path /s", Stopwatch.spread(figures.minimal, "%.0f"), "NIO only: verify, append, group commit, answer")
        report("  minimal ÷ bare route", Stopwatch.spread(Stopwatch.ratios(figures.minimal, figures.bare), "%.2f"), "what a lean design can keep")
        report("saturation: Firebell behind the minimal front /s", Stopwatch.spread(figures.direct, "%.0f"), "the same transaction, no Hummingbird")
        report("  behind the minimal front ÷ bare route", Stopwatch.spread(Stopwatch.ratios(figures.direct, figures.bare), "%.2f"), "")
        report("  Firebell ÷ minimal", Stopwatch.spread(Stopwatch.ratios(figures.firebell, figures.minimal), "%.2f"), "")
        report("saturation: minimal path, no sync /s", Stopwatch.spread(figures.minimalUnsynced, "%.0f"), "the same, answered before the sync")
        report(
            "  minimal, no sync ÷ bare route",
            Stopwatch.spread(Stopwatch.ratios(figures.minimalUnsynced, figures.bare), "%.2f"),
            ""
        )
        if !figures.bolt.isEmpty {
            report("saturation: Slack Bolt /s", Stopwatch.spread(figures.bolt, "%.0f"), "Python slack_bolt + gunicorn, 2 workers, same work")
            report("  Firebell ÷ Bolt", Stopwatch.spread(Stopwatch.ratios(figures.firebell, figures.bolt), "%.1f×"), "target ≥ 5×")
            report("  minimal ÷ Bolt", Stopwatch.spread(Stopwatch.ratios(figures.minimal, figures.bolt), "%.1f×"), "")
        }
        report("saturation: /status /s", Stopwatch.spread(figures.status, "%.0f"), "\(channels) active incidents")
        report("saturation: bare /status /s", Stopwatch.spread(figures.bareStatus, "%.0f"), "the same bytes, no work")
        report("  /status ÷ bare", Stopwatch.spread(Stopwatch.ratios(figures.status, figures.bareStatus), "%.2f"), "target ≥ 0.30")
        report("command p99 at 200/s, alone", Stopwatch.spread(figures.p99Alone, "%.2f ms"), "")
        report("command p99, 64-conn /status stampede", Stopwatch.spread(figures.p99Stampede, "%.2f ms"), "on the status page's own port")
        report("  stampede ÷ alone", Stopwatch.spread(Stopwatch.ratios(figures.p99Stampede, figures.p99Alone), "%.2f×"), "target ≤ 3×")
        report("command p99, stampede on the same port", Stopwatch.spread(figures.p99SamePort, "%.2f ms"), "the page served on the command port")
        report("  same port ÷ alone", Stopwatch.spread(Stopwatch.ratios(figures.p99SamePort, figures.p99Alone), "%.2f×"), "")
        report("saturation: failed requests", "\(figures.failures)", "non-2xx, socket errors and timeouts, all runs")
    }
}
