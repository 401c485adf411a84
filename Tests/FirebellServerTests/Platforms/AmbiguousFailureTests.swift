import AsyncHTTPClient
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import IncidentKit
import NIOCore
import Platforms
import Testing

@testable import FirebellServer

/// The worst failure a chat API can give: it processes a post, then the answer never arrives (the connection drops,
/// or the answer comes after the client gave up). For 30 % of posts, on every platform: nothing is lost and nothing
/// is posted twice, because every attempt carries the effect's key (Slack metadata, Discord nonce, Mattermost
/// props, Matrix transaction id) and Slack and Mattermost are asked before a post is sent again.
@Suite("Ambiguous delivery failures", .serialized, .timeLimit(.minutes(4)))
struct AmbiguousFailureTests {
    static let channels = ["C1", "C2"]
    static let perChannel = 15
    static let rate = 0.3
    /// How long the client waits for an answer; the late answers come well after it.
    static let timeout = TimeAmount.milliseconds(500)
    static let late = Duration.milliseconds(1200)

    static func policy() -> DeliveryPolicy {
        var policy = DeliveryPolicy()
        policy.minimumInterval = .milliseconds(5)
        policy.backoffBase = .milliseconds(20)
        policy.backoffCap = .milliseconds(100)
        return policy
    }

    /// Hands the dispatcher every channel's messages as transactions would, waits until all are settled, and returns
    /// the texts expected in each channel.
    static func deliver(platform: PlatformID, channels: [String], through delivery: any ChatDelivery) async throws -> [String: [String]] {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let outbox = OutboxDispatcher(dataDirectory: folder.url, deliveries: [platform: delivery], policy: policy(), logger: quietLogger())
        var expected: [String: [String]] = [:]
        for round in 1...perChannel {
            for channel in channels {
                let source = ChannelRef(platform: platform, workspace: "W1", channel: channel)
                let id = EffectID(channel: source, sequence: round, index: 0)
                let text = "\(channel) post \(round)"
                expected[channel, default: []].append(text)
                outbox.accept(
                    [OutboundMessage(effect: id, key: id.key, channel: source, incident: nil, text: text, kind: .post(.channel), plannedAt: Date())],
                    transactionEnd: round,
                    from: source
                )
            }
        }
        #expect(await outbox.flush(timeout: .seconds(120)), "everything is settled")
        outbox.stop()
        return expected
    }

    static func report(_ platform: String, expected: [String: [String]], shown: [String: [String]], ambiguous: Int) {
        var lost = 0
        var doubled = 0
        for (channel, texts) in expected {
            let seen = shown[channel] ?? []
            lost += texts.filter { !seen.contains($0) }.count
            doubled += seen.count - Set(seen).count
            #expect(seen == texts, "\(platform) \(channel): every post once, in order")
        }
        print(
            "\(platform): \(expected.values.map(\.count).reduce(0, +)) posts, \(ambiguous) answers lost after processing, \(lost) lost, \(doubled) doubled"
        )
        #expect(ambiguous > 0, "the fault really happened on \(platform)")
        #expect(lost == 0 && doubled == 0)
    }

    @Test func slack() async throws {
        let standIn = SlackStandIn(faultRate: Self.rate, choices: [.slow(Self.late), .dropped], seed: 11)
        try await standIn.application().test(.live) { client in
            try await withHTTPClient { http in
                let api = SlackWebAPI(baseURL: "http://127.0.0.1:\(client.port!)/api/", token: "xoxb-test", client: http, timeout: Self.timeout)
                let expected = try await Self.deliver(platform: .slack, channels: Self.channels, through: api)
                var shown: [String: [String]] = [:]
                for channel in Self.channels { shown[channel] = await standIn.shown(in: channel) }
                let ambiguous = await standIn.calls.filter { ["late", "dropped"].contains($0.answered) }.count
                Self.report("Slack", expected: expected, shown: shown, ambiguous: ambiguous)
            }
        }
    }

    @Test func slackFindsAnEarlierPostPagesBackInABusyChannel() async throws {
        let standIn = SlackStandIn(faults: [.slow(Self.late)])
        try await standIn.application().test(.live) { client in
            try await withHTTPClient { http in
                let api = SlackWebAPI(baseURL: "http://127.0.0.1:\(client.port!)/api/", token: "xoxb-test", client: http, timeout: Self.timeout)
                let channel = ChannelRef(platform: .slack, workspace: "W1", channel: "C0BUSY")
                let id = EffectID(channel: channel, sequence: 7, index: 0)
                var message = OutboundMessage(
                    effect: id,
                    key: id.key,
                    channel: channel,
                    incident: nil,
                    text: "📣 the update",
                    kind: .post(.channel),
                    plannedAt: Date()
                )
                // Slack processes the post, the answer comes too late, and 450 messages are said after it.
                #expect({ if case .transient = $0 { true } else { false } }(await api.deliver(message)))
                await standIn.chatter(450, in: "C0BUSY")
                message.mayHaveBeenSent = true
                guard case .delivered(let ts, _) = await api.deliver(message) else {
                    Issue.record("the earlier post is found")
                    return
                }
                #expect(ts == (await standIn.history["C0BUSY"]?.first?.ts))
                #expect(await standIn.shown(in: "C0BUSY").filter { $0 == "📣 the update" }.count == 1, "found three pages back, not posted again")
                #expect(await standIn.calls.filter { $0.method == "conversations.history" }.count == 3)
            }
        }
    }

    @Test func discord() async throws {
        let store = MessageStoreStandIn(rate: Self.rate, seed: 12, late: Self.late)
        try await store.application().test(.live) { client in
            try await withHTTPClient { http in
                let api = DiscordAPI(
                    baseURL: "http://127.0.0.1:\(client.port!)",
                    applicationID: "app",
                    botToken: "bot",
                    client: http,
                    timeout: Self.timeout
                )
                let expected = try await Self.deliver(platform: .discord, channels: Self.channels, through: api)
                Self.report("Discord", expected: expected, shown: await store.shown(), ambiguous: await store.late)
                #expect(await store.refusedWithoutNonce == 0, "every post carries a nonce with enforce_nonce")
            }
        }
    }

    /// Runs a setup step until it succeeds, at most five times.
    static func retrying(_ step: () async throws -> Void) async throws {
        for attempt in 1...5 {
            do {
                try await step()
                return
            } catch  where attempt < 5 {
                try await Task.sleep(for: .milliseconds(200))
            }
        }
    }

    @Test func mattermost() async throws {
        let store = MessageStoreStandIn(rate: Self.rate, seed: 13, late: Self.late)
        try await store.application().test(.live) { client in
            try await withHTTPClient { http in
                let api = MattermostAPI(baseURL: "http://127.0.0.1:\(client.port!)", botToken: "bot", client: http, timeout: Self.timeout)
                let expected = try await Self.deliver(platform: .mattermost, channels: Self.channels, through: api)
                Self.report("Mattermost", expected: expected, shown: await store.shown(), ambiguous: await store.late)
            }
        }
    }

    @Test(.enabled(if: SynapseHomeserver.unavailable == nil, "skipped: Python or the package index is unreachable, so Synapse cannot be installed"))
    func matrix() async throws {
        let synapse = try await SynapseHomeserver.start()
        defer { synapse.stop() }
        try await withHTTPClient { http in
            try await synapse.waitUntilUp(http)
            for user in ["firebell", "alice"] { try await synapse.register(user, password: "pw-\(user)") }
            let alice = try await MatrixPerson.login("alice", password: "pw-alice", homeserver: synapse.url, client: http)
            var created: [String] = []
            for name in Self.channels {
                let room = try await alice.call(
                    .POST,
                    "/_matrix/client/v3/createRoom",
                    ["preset": "private_chat", "name": name, "invite": ["@firebell:localhost"]]
                )
                created.append(try #require(room["room_id"] as? String))
            }
            let rooms = Array(created)
            let proxy = LateAnswerProxy(upstream: synapse.url, client: http, rate: Self.rate, seed: 14, late: Self.late)
            try await proxy.application().test(.live) { client in
                let session = MatrixSession(
                    homeserver: "http://127.0.0.1:\(client.port!)",
                    credentials: .password(user: "firebell", password: "pw-firebell"),
                    client: http,
                    timeout: Self.timeout
                )
                // Setting up goes through the same 500 ms client timeout as the posts: on a loaded machine a login
                // or a join can take longer, and is simply asked again (bounded).
                try await Self.retrying { try await session.connect() }
                for room in rooms { try await Self.retrying { try await session.join(room) } }
                let expected = try await Self.deliver(platform: .matrix, channels: rooms, through: MatrixDelivery(session: session))
                var shown: [String: [String]] = [:]
                for room in rooms {
                    let page = try await alice.call(.GET, "/_matrix/client/v3/rooms/\(MatrixPerson.path(room))/messages?dir=f&limit=500")
                    let events = page["chunk"] as? [[String: Any]] ?? []
                    shown[room] = events.compactMap { event in
                        guard event["type"] as? String == "m.room.message", let content = event["content"] as? [String: Any],
                            content["msgtype"] as? String == "m.notice"
                        else { return nil }
                        return content["body"] as? String
                    }
                }
                Self.report("Matrix (real Synapse)", expected: expected, shown: shown, ambiguous: await proxy.late)
            }
        }
    }
}

/// A loopback stand-in for the Discord and Mattermost message APIs that keeps what it stores, and answers some posts
/// only after the client's timeout, though it has stored them. Discord: `POST /channels/{id}/messages`, with
/// `nonce` + `enforce_nonce` answered by the message already created with that nonce. Mattermost: `POST /api/v4/posts`
/// with `props`, and `GET /api/v4/channels/{id}/posts?since=` as documented (`order` and `posts` by id).
actor MessageStoreStandIn {
    struct Stored {
        let id: String
        let channel: String
        let text: String
        let nonce: String?
        let props: [String: Any]
        let createdAt: Int64
    }

    private var stored: [Stored] = []
    private var generator: SeededGenerator
    private let rate: Double
    private let delay: Duration
    private(set) var late = 0
    private(set) var refusedWithoutNonce = 0

    init(rate: Double, seed: UInt64, late: Duration) {
        self.rate = rate
        generator = SeededGenerator(seed: seed)
        delay = late
    }

    func shown() -> [String: [String]] {
        Dictionary(grouping: stored, by: \.channel).mapValues { $0.map(\.text) }
    }

    private func drawLate() -> Bool {
        let draw = Double(generator.next() % 10_000) / 10_000 < rate
        if draw { late += 1 }
        return draw
    }

    private func store(channel: String, text: String, nonce: String?, props: [String: Any]) -> Stored {
        let message = Stored(
            id: "m\(stored.count + 1)",
            channel: channel,
            text: text,
            nonce: nonce,
            props: props,
            createdAt: Int64(Date().timeIntervalSince1970 * 1000)
        )
        stored.append(message)
        return message
    }

    func discordCreate(channel: String, body: [String: Any]) -> (json: String, late: Bool) {
        let nonce = body["nonce"] as? String
        if nonce == nil || body["enforce_nonce"] as? Bool != true { refusedWithoutNonce += 1 }
        if let nonce, body["enforce_nonce"] as? Bool == true, let existing = stored.first(where: { $0.nonce == nonce }) {
            return (#"{"id":"\#(existing.id)","channel_id":"\#(channel)"}"#, false)
        }
        let message = store(channel: channel, text: body["content"] as? String ?? "", nonce: nonce, props: [:])
        return (#"{"id":"\#(message.id)","channel_id":"\#(channel)"}"#, drawLate())
    }

    func mattermostCreate(body: [String: Any]) -> (json: String, late: Bool) {
        let channel = body["channel_id"] as? String ?? ""
        let message = store(channel: channel, text: body["message"] as? String ?? "", nonce: nil, props: body["props"] as? [String: Any] ?? [:])
        return (#"{"id":"\#(message.id)","channel_id":"\#(channel)","create_at":\#(message.createdAt)}"#, drawLate())
    }

    func mattermostPosts(channel: String, since: Int64) -> String {
        let posts = stored.filter { $0.channel == channel && $0.createdAt >= since }
        var byID: [String: Any] = [:]
        for post in posts {
            byID[post.id] = ["id": post.id, "channel_id": channel, "message": post.text, "props": post.props, "create_at": post.createdAt]
        }
        let page: [String: Any] = ["order": posts.reversed().map(\.id), "posts": byID]
        return String(decoding: (try? JSONSerialization.data(withJSONObject: page)) ?? Data(), as: UTF8.self)
    }

    nonisolated func application() -> some ApplicationProtocol {
        let router = Router()
        let delay = delay
        @Sendable func answer(_ json: String, late: Bool, status: HTTPResponse.Status = .ok) async throws -> Response {
            if late { try await Task.sleep(for: delay) }
            return Response(status: status, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(string: json)))
        }
        router.post("/channels/{channel}/messages") { request, context in
            let body = try await request.body.collect(upTo: 1 << 20)
            let object = (try? JSONSerialization.jsonObject(with: Data(body.readableBytesView))) as? [String: Any] ?? [:]
            let (json, late) = await self.discordCreate(channel: context.parameters.get("channel") ?? "", body: object)
            return try await answer(json, late: late)
        }
        router.post("/api/v4/posts") { request, _ in
            let body = try await request.body.collect(upTo: 1 << 20)
            let object = (try? JSONSerialization.jsonObject(with: Data(body.readableBytesView))) as? [String: Any] ?? [:]
            let (json, late) = await self.mattermostCreate(body: object)
            return try await answer(json, late: late, status: .created)
        }
        router.get("/api/v4/channels/{channel}/posts") { request, context in
            let since = request.uri.queryParameters["since"].flatMap { Int64(String($0)) } ?? 0
            return try await answer(await self.mattermostPosts(channel: context.parameters.get("channel") ?? "", since: since), late: false)
        }
        return Application(router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0)))
    }
}

/// A loopback proxy in front of a real homeserver: every request goes through, and some message sends are answered
/// only after the client's timeout, though the homeserver has processed them.
actor LateAnswerProxy {
    let upstream: String
    let client: HTTPClient
    private var generator: SeededGenerator
    private let rate: Double
    private let delay: Duration
    private(set) var late = 0

    init(upstream: String, client: HTTPClient, rate: Double, seed: UInt64, late: Duration) {
        self.upstream = upstream
        self.client = client
        self.rate = rate
        generator = SeededGenerator(seed: seed)
        delay = late
    }

    func drawLate(_ path: String) -> Bool {
        guard path.contains("/send/") else { return false }
        let draw = Double(generator.next() % 10_000) / 10_000 < rate
        if draw { late += 1 }
        return draw
    }

    nonisolated func application() -> some ApplicationProtocol {
        let router = Router()
        for method in [HTTPRequest.Method.get, .post, .put] {
            router.on("**", method: method) { request, _ in
                let body = try await request.body.collect(upTo: 1 << 20)
                var forward = HTTPClientRequest(url: self.upstream + (request.uri.string))
                forward.method = .init(rawValue: request.method.rawValue)
                if let authorization = request.headers[.authorization] { forward.headers.add(name: "Authorization", value: authorization) }
                forward.headers.add(name: "Content-Type", value: "application/json")
                if method != .get { forward.body = .bytes(body) }
                let response = try await self.client.execute(forward, timeout: .seconds(10))
                let answer = try await response.body.collect(upTo: 1 << 20)
                if await self.drawLate(request.uri.path) { try await Task.sleep(for: self.delay) }
                return Response(
                    status: .init(code: Int(response.status.code)),
                    headers: [.contentType: "application/json"],
                    body: .init(byteBuffer: answer)
                )
            }
        }
        return Application(router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0)))
    }
}
