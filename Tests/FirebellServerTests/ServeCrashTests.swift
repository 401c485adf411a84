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

/// Runs the real `firebell serve` against the Slack stand-in, sends signed declares and updates into forty channels at
/// once, and `kill -9`s it at random moments, twenty times; responders retype a declare that got no answer, as people
/// do. After a last start and drain: every answered and every logged command has its post exactly once, no log is
/// unreadable, no id repeats, and one message a second per channel holds across the restarts.
@Suite("Crash safety of firebell serve", .timeLimit(.minutes(6)))
struct ServeCrashTests {
    static let channels = 40
    static let rounds = Int(ProcessInfo.processInfo.environment["FIREBELL_CRASH_ROUNDS"] ?? "") ?? 20

    /// What the responders of one channel know.
    struct Channel: Sendable {
        var declared = false
        var answeredUpdates: [String] = []
        var unansweredDeclares = 0
    }

    @Test func kill9AtRandomMomentsLosesNoCommandAndNoPost() async throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let standIn = SlackStandIn()
        var generator = SeededGenerator(seed: UInt64(Date().timeIntervalSince1970))
        let seed = generator.seed
        let lifetimes = (0..<Self.rounds).map { _ in Duration.milliseconds(Int.random(in: 300...1200, using: &generator)) }
        // When each channel's responders type in each round: two moments spread over the round, some of them
        // after the kill (no answer), and many close to it (in flight when it lands).
        let moments = lifetimes.enumerated().map { round, lifetime in
            (0..<Self.channels).map { channel in
                // In the first round half the channels declare right around the kill: some declares land without an
                // answer, and their responders type them again.
                let range = round == 0 && channel.isMultiple(of: 2) ? 0.9...1.05 : 0.3...1.05
                return (0..<2).map { _ in lifetime * Double.random(in: range, using: &generator) }.sorted()
            }
        }
        try await standIn.application().test(.live) { standInClient in
            try await withHTTPClient { http in
                var channels = [Channel](repeating: Channel(), count: Self.channels)
                for round in 0..<Self.rounds {
                    let server = try await Self.start(folder: folder, slackPort: standInClient.port!, http: http)
                    let started = ContinuousClock.now
                    let known = channels
                    let streaming = Task { await Self.stream(round: round, channels: known, to: server.port, http: http, at: moments[round]) }
                    try await Task.sleep(until: started + lifetimes[round])
                    await server.child.stopped(with: SIGKILL)
                    channels = await streaming.value
                    #expect(server.child.process.terminationReason == .uncaughtSignal)
                }
                // A last start: what the logs still owe is delivered (one post a second per channel).
                let loaded = try DataFolder.load(DataLayout(root: folder.url))
                // The last start logs (at debug level) what each channel resumes, for a failure to be read.
                let logURL = folder.url.appendingPathComponent("final-serve.log")
                _ = FileManager.default.createFile(atPath: logURL.path, contents: nil)
                let server = try await Self.start(
                    folder: folder,
                    slackPort: standInClient.port!,
                    http: http,
                    log: try FileHandle(forWritingTo: logURL)
                )
                let drainStarted = ContinuousClock.now
                var behind: [String] = []
                repeat {
                    behind = []
                    for (channel, records) in loaded.channels {
                        let owed = records.filter {
                            if case .updatePosted = $0.event { true } else if case .declared = $0.event { true } else { false }
                        }.count
                        let shown = await standIn.shown(in: channel.channel).count
                        if shown < owed { behind.append("\(channel.channel) \(shown)/\(owed)") }
                    }
                    if !behind.isEmpty { try await Task.sleep(for: .milliseconds(500)) }
                } while !behind.isEmpty && ContinuousClock.now - drainStarted < .seconds(150)
                #expect(behind.isEmpty, "every logged Status Update and Initial Alert reaches its channel; behind: \(behind.prefix(8))")
                if let first = behind.first?.split(separator: " ").first.map(String.init) {
                    let calls = await standIn.calls
                    print(
                        "crash test: \(calls.filter { $0.at > drainStarted }.count) calls during the drain; last calls to \(first): "
                            + calls.filter { $0.json["channel"] == first }.suffix(10).map {
                                "\($0.method) \($0.answered) \($0.at - drainStarted) \(($0.json["text"] ?? "").prefix(60))"
                            }.joined(separator: " | ")
                    )
                    let ref = ChannelRef(platform: .slack, workspace: "T0TEAM", channel: first)
                    let ledger = (try? String(contentsOf: DataLayout(root: folder.url).deliveryLedger(for: ref), encoding: .utf8)) ?? ""
                    print("crash test: \(first) ledger: \(ledger.split(separator: "\n").suffix(6).joined(separator: " / "))")
                    print("crash test: \(first) log tail: \((loaded.channels[ref] ?? []).suffix(5).map { "\($0.sequence) \($0.event)" })")
                    print("crash test: \(first) shown tail: \(await standIn.shown(in: first).suffix(3).map { $0.prefix(80) })")
                    let log = (try? String(contentsOf: logURL, encoding: .utf8)) ?? ""
                    print(
                        "crash test: the last start's log about \(first): \(log.split(separator: "\n").filter { $0.contains("/\(first)") }.suffix(5))"
                    )
                }
                print("crash test: drained in \(ContinuousClock.now - drainStarted)")
                try await eventually("the outbox is empty") {
                    let metrics = try await http.execute(HTTPClientRequest(url: "http://127.0.0.1:\(server.port)/metrics"), timeout: .seconds(2))
                    return String(buffer: try await metrics.body.collect(upTo: 1 << 20)).contains("firebell_outbox_depth 0")
                }
                await server.child.stopped(with: SIGKILL)

                #expect(loaded.unavailable.isEmpty, "no log became unreadable (seed \(seed))")
                #expect(loaded.repairs.allSatisfy { if case .cutTornTail = $0 { true } else { false } }, "nothing damaged: \(loaded.repairs)")
                var ids: [IncidentID] = []
                var answered = 0
                var logged = 0
                var lost = 0
                var doubled = 0
                var missingPosts = 0
                for (index, responders) in channels.enumerated() {
                    let channel = ChannelRef(platform: .slack, workspace: "T0TEAM", channel: "C\(index)")
                    let records = loaded.channels[channel] ?? []
                    let updates = records.compactMap { record -> String? in if case .updatePosted(let text, _, _) = record.event { text } else { nil }
                    }
                    let declarations = records.compactMap { record -> IncidentID? in if case .declared = record.event { record.incident } else { nil }
                    }
                    ids += declarations
                    answered += responders.answeredUpdates.count
                    logged += updates.count
                    for update in responders.answeredUpdates where !updates.contains(update) { lost += 1 }
                    #expect(declarations.count == 1, "one incident in \(channel.channel), however often its declare was retyped (seed \(seed))")
                    let shown = await standIn.shown(in: channel.channel)
                    for update in updates {
                        let copies = shown.filter { $0.contains("Status Update") && $0.contains(update) }.count
                        if copies == 0 { missingPosts += 1 }
                        if copies > 1 { doubled += copies - 1 }
                    }
                    let alerts = shown.filter { $0.contains("Initial Alert") }.count
                    if alerts == 0 { missingPosts += 1 }
                    if alerts > 1 { doubled += alerts - 1 }
                }
                let retyped = channels.map(\.unansweredDeclares).reduce(0, +)
                print(
                    "crash test (seed \(seed)): \(Self.rounds) kills, \(Self.channels) channels, \(answered) updates answered, \(logged) logged, "
                        + "\(retyped) declares retyped after no answer; \(lost) lost, \(missingPosts) posts missing, \(doubled) doubled"
                )
                #expect(lost == 0, "every answered command is in its log")
                #expect(missingPosts == 0 && doubled == 0, "every logged command has its post exactly once")
                #expect(Set(ids).count == ids.count, "no incident id repeats")
                #expect(answered > Self.channels * Self.rounds / 2, "the stream really ran")
                #expect(logged > answered || retyped > 0, "some kills landed while commands were in flight (seed \(seed))")

                // One message a second per channel, across every restart, as the stand-in saw them arrive. (Pacing runs
                // from the end of each attempt, and the first message after a start waits a whole interval; 50 ms are
                // allowed for reading the request.)
                var closest = Duration.seconds(60)
                for index in 0..<Self.channels {
                    let writes = await standIn.calls.filter {
                        $0.json["channel"] == "C\(index)" && ["chat.postMessage", "chat.update"].contains($0.method)
                    }
                    for (earlier, later) in zip(writes, writes.dropFirst()) { closest = min(closest, later.at - earlier.at) }
                }
                print("crash test: closest two messages to one channel arrived \(closest) apart")
                #expect(closest >= .milliseconds(950), "pacing holds across restarts")
            }
        }
    }

    struct Server {
        let child: ChildProcess
        let port: Int
    }

    static func start(folder: TemporaryFolder, slackPort: Int, http: HTTPClient, log: FileHandle? = nil) async throws -> Server {
        let port = try freeLoopbackPort()
        let environment = [
            "HOME": folder.url.path, "PATH": "/usr/bin:/bin", "SLACK_SIGNING_SECRET": SlackServeTests.secret,
            "SLACK_BOT_TOKEN": "xoxb-crash", "SLACK_API_URL": "http://127.0.0.1:\(slackPort)/api/", "FIREBELL_WAR_ROOM_SEVERITIES": "none",
            "FIREBELL_HTTP_HOST": "127.0.0.1", "FIREBELL_HTTP_PORT": "\(port)", "FIREBELL_LOG_LEVEL": log == nil ? "error" : "debug",
        ]
        let child = try ChildProcess(
            CrashRecoveryTests.binary,
            arguments: ["serve", "--data", folder.url.path],
            environment: environment,
            stderr: log,
            limit: 240
        )
        try await eventually("firebell serve answers /healthz") {
            try await http.execute(HTTPClientRequest(url: "http://127.0.0.1:\(port)/healthz"), timeout: .seconds(1)).status == .ok
        }
        return Server(child: child, port: port)
    }

    /// Every channel's responders at once, each typing at its two moments of the round (see ``type``).
    static func stream(round: Int, channels: [Channel], to port: Int, http: HTTPClient, at moments: [[Duration]]) async -> [Channel] {
        let start = ContinuousClock.now
        return await withTaskGroup(of: (Int, Channel).self) { group in
            for (index, known) in channels.enumerated() {
                group.addTask { (index, await type(round: round, index: index, known, to: port, http: http, from: start, at: moments[index])) }
            }
            var updated = channels
            for await (index, channel) in group { updated[index] = channel }
            return updated
        }
    }

    /// One channel's responders typing at their moments: a declare until one is known to have landed (a ✓, or
    /// "still active" after a declare whose answer was lost), then updates.
    static func type(
        round: Int,
        index: Int,
        _ known: Channel,
        to port: Int,
        http: HTTPClient,
        from start: ContinuousClock.Instant,
        at moments: [Duration]
    ) async -> Channel {
        var channel = known
        let id = "C\(index)"
        for (turn, moment) in moments.enumerated() {
            try? await Task.sleep(until: start + moment)
            if !channel.declared {
                if let reply = try? await send("declare sev3 Crash drill \(index)", channel: id, port: port, http: http),
                    reply.hasPrefix("✓") || reply.contains("is still active")
                {
                    channel.declared = true
                } else {
                    channel.unansweredDeclares += 1
                }
                continue
            }
            let update = "r\(round)-\(turn)-\(id) rolled back"
            if let reply = try? await send("update \(update)", channel: id, port: port, http: http), reply.hasPrefix("✓") {
                channel.answeredUpdates.append(update)
            }
        }
        return channel
    }

    static func send(_ text: String, channel: String, port: Int, http: HTTPClient) async throws -> String {
        let serve = SlackServeTests()
        let body = serve.form(text, channel: channel)
        var request = HTTPClientRequest(url: "http://127.0.0.1:\(port)/slack/commands")
        request.method = .POST
        for field in serve.signed(body) { request.headers.add(name: field.name.rawName, value: field.value) }
        request.body = .bytes(ByteBuffer(string: body))
        let response = try await http.execute(request, timeout: .seconds(5))
        let json = try JSONSerialization.jsonObject(with: Data(buffer: try await response.body.collect(upTo: 1 << 16))) as? [String: String]
        return json?["text"] ?? ""
    }
}

/// A small deterministic generator, so a failing run can be repeated from its seed.
struct SeededGenerator: RandomNumberGenerator {
    let seed: UInt64
    private var state: UInt64

    init(seed: UInt64) {
        self.seed = seed
        state = seed &+ 0x9E37_79B9_7F4A_7C15
    }

    mutating func next() -> UInt64 {
        state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
