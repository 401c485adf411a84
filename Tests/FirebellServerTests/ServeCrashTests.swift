import AsyncHTTPClient
import Foundation
import HummingbirdTesting
import NIOCore
import Testing
import IncidentKit
import IncidentStore
import Platforms

#if canImport(Glibc)
import Glibc
#endif

/// Runs the real `firebell serve`, streams signed commands into many channels at once, and `kill -9`s it at
/// random moments, again and again; then checks that nothing answered was lost and the outbox resumed.
@Suite("Crash safety of firebell serve", .timeLimit(.minutes(3)))
struct ServeCrashTests {
    static let channels = 12
    static let rounds = 6

    @Test func kill9AtRandomMomentsLosesNothingAnswered() async throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let standIn = SlackStandIn()
        var generator = SeededGenerator(seed: UInt64(Date().timeIntervalSince1970))
        let seed = generator.seed
        let lifetimes = (0..<Self.rounds).map { _ in Duration.milliseconds(Int.random(in: 150...900, using: &generator)) }
        try await standIn.application().test(.live) { standInClient in
            try await withHTTPClient { http in
                var answered: [String: [String]] = [:]
                for round in 0..<Self.rounds {
                    let server = try await Self.start(folder: folder, slackPort: standInClient.port!, http: http)
                    let notes = await Self.stream(round: round, to: server.port, http: http, for: lifetimes[round])
                    await server.child.stopped(with: SIGKILL)
                    #expect(server.child.process.terminationReason == .uncaughtSignal)
                    for (channel, list) in notes { answered[channel, default: []] += list }
                }
                // A last start: delivery resumes from the outbox (paced at one post a second per channel, as Slack
                // allows, so the backlog of note notices is not waited out; each channel's first post is enough).
                let before = await standIn.posted.count
                let server = try await Self.start(folder: folder, slackPort: standInClient.port!, http: http)
                try await eventually("every channel's Initial Alert is delivered and delivery goes on after the restart") {
                    let posted = await standIn.posted
                    let alerts = Set(posted.filter { ($0.json["text"] ?? "").contains("Initial Alert") }.map { $0.json["channel"] ?? "" })
                    return alerts.count == Self.channels && posted.count > before + Self.channels
                }
                await server.child.stopped(with: SIGKILL)

                let loaded = try DataFolder.load(DataLayout(root: folder.url))
                #expect(loaded.unavailable.isEmpty, "no log became unreadable (seed \(seed))")
                #expect(loaded.repairs.allSatisfy { if case .cutTornTail = $0 { true } else { false } }, "nothing quarantined: \(loaded.repairs)")
                var ids: [IncidentID] = []
                for (channel, records) in loaded.channels {
                    #expect(records.map(\.sequence) == Array(1...records.count), "gapless log in \(channel)")
                    let logged = Set(records.compactMap { record -> String? in if case .notePosted(let text) = record.event { text } else { nil } })
                    for note in answered[channel.channel] ?? [] { #expect(logged.contains(note), "answered but lost: \(note) (seed \(seed))") }
                    ids += records.compactMap { if case .declared = $0.event { $0.incident } else { nil } }
                }
                #expect(Set(ids).count == ids.count, "no incident id repeats")
                #expect(answered.values.map(\.count).reduce(0, +) > Self.channels * Self.rounds, "the stream really ran")
            }
        }
    }

    struct Server {
        let child: ChildProcess
        let port: Int
    }

    static func start(folder: TemporaryFolder, slackPort: Int, http: HTTPClient) async throws -> Server {
        let port = try freeLoopbackPort()
        let environment = ["HOME": folder.url.path, "PATH": "/usr/bin:/bin", "SLACK_SIGNING_SECRET": SlackServeTests.secret,
                           "SLACK_BOT_TOKEN": "xoxb-crash", "SLACK_API_URL": "http://127.0.0.1:\(slackPort)/api/",
                           "FIREBELL_HTTP_HOST": "127.0.0.1", "FIREBELL_HTTP_PORT": "\(port)", "FIREBELL_LOG_LEVEL": "error"]
        let child = try ChildProcess(CrashRecoveryTests.binary, arguments: ["serve", "--data", folder.url.path], environment: environment, limit: 60)
        try await eventually("firebell serve answers /healthz") {
            try await http.execute(HTTPClientRequest(url: "http://127.0.0.1:\(port)/healthz"), timeout: .seconds(1)).status == .ok
        }
        return Server(child: child, port: port)
    }

    /// Sends notes into every channel in parallel for `lifetime`, then returns the notes that were answered ✓.
    static func stream(round: Int, to port: Int, http: HTTPClient, for lifetime: Duration) async -> [String: [String]] {
        let deadline = ContinuousClock.now + lifetime
        return await withTaskGroup(of: (String, [String]).self) { group in
            for index in 0..<channels {
                group.addTask {
                    let channel = "C\(index)"
                    var notes: [String] = []
                    if round == 0 { _ = try? await send("declare sev3 Crash drill \(index)", channel: channel, port: port, http: http) }
                    var number = 0
                    while ContinuousClock.now < deadline {
                        number += 1
                        let note = "r\(round)-\(channel)-n\(number)"
                        guard let reply = try? await send("note \(note)", channel: channel, port: port, http: http) else { break }
                        if reply.hasPrefix("✓") { notes.append(note) }
                    }
                    return (channel, notes)
                }
            }
            return await group.reduce(into: [:]) { $0[$1.0] = $1.1 }
        }
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
