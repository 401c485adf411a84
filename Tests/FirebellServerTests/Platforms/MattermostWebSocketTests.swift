import AsyncHTTPClient
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import HummingbirdWebSocket
import IncidentKit
import NIOCore
import Platforms
import Testing

@testable import FirebellServer

/// A local Mattermost: REST (`/api/v4/users/me`, `/users/username/…`, posts) and the WebSocket API's frames.
actor MattermostStandIn {
    private(set) var challenges: [String] = []
    /// Requests to the posts API: path and body.
    private(set) var posts: [Posted] = []

    struct Posted: Sendable {
        let path: String
        let body: Data
        var json: [String: Any] { (try? JSONSerialization.jsonObject(with: body)) as? [String: Any] ?? [:] }
    }
    let (finished, finish) = AsyncStream<Void>.makeStream()

    func challenge(_ text: String) { challenges.append(text) }
    func record(_ path: String, _ body: ByteBuffer) {
        posts.append(Posted(path: path, body: Data(body.readableBytesView)))
    }

    static func posted(_ id: String, user: String, sender: String, message: String, type: String = "") -> String {
        let post: [String: Any] = [
            "id": id, "create_at": 1_700_000_000_000, "user_id": user, "channel_id": "c1", "root_id": "", "message": message,
            "type": type, "props": [String: Any](),
        ]
        let postText = String(decoding: try! JSONSerialization.data(withJSONObject: post), as: UTF8.self)
        let frame: [String: Any] = [
            "event": "posted", "seq": 7,
            "data": [
                "channel_display_name": "Incident", "channel_name": "incident", "channel_type": "O",
                "post": postText, "sender_name": "@\(sender)", "set_online": true, "team_id": "t1",
            ],
            "broadcast": ["omit_users": NSNull(), "user_id": "", "channel_id": "c1", "team_id": ""],
        ]
        return String(decoding: try! JSONSerialization.data(withJSONObject: frame), as: UTF8.self)
    }

    /// A `reaction_added` / `reaction_removed` frame, its reaction JSON in a string as Mattermost sends it.
    static func reaction(_ emoji: String, by user: String, on post: String, added: Bool = true) -> String {
        let reaction: [String: Any] = ["user_id": user, "post_id": post, "emoji_name": emoji, "create_at": 1_700_000_200_000]
        let frame: [String: Any] = [
            "event": added ? "reaction_added" : "reaction_removed", "seq": 9,
            "data": ["reaction": String(decoding: try! JSONSerialization.data(withJSONObject: reaction), as: UTF8.self)],
            "broadcast": ["omit_users": NSNull(), "user_id": "", "channel_id": "c1", "team_id": ""],
        ]
        return String(decoding: try! JSONSerialization.data(withJSONObject: frame), as: UTF8.self)
    }

    static func json(_ text: String) -> Response {
        Response(status: .ok, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(string: text)))
    }

    nonisolated func application() -> some ApplicationProtocol {
        let router = Router(context: BasicWebSocketRequestContext.self)
        // What a pin reaction reads: the post, its channel's team, the people, the reactions left on the post.
        router.get("/api/v4/posts/{id}") { _, context in
            let id = context.parameters.get("id") ?? ""
            guard id == "p9" else { return Response(status: .notFound) }
            return Self.json(
                #"{"id":"p9","user_id":"u-dana","channel_id":"c1","message":"DB failover done\nreplica promoted","create_at":1700000100123}"#
            )
        }
        router.get("/api/v4/posts/{id}/reactions") { _, _ in Self.json("[]") }
        router.get("/api/v4/channels/{id}") { _, context in Self.json(#"{"id":"\#(context.parameters.get("id") ?? "")","team_id":"t1"}"#) }
        router.get("/api/v4/users/{id}") { _, context in
            let id = context.parameters.get("id") ?? ""
            return Self.json(#"{"id":"\#(id)","username":"\#(id.dropFirst(2))"}"#)
        }
        router.get("/api/v4/users/me") { _, _ in
            Response(
                status: .ok,
                headers: [.contentType: "application/json"],
                body: .init(byteBuffer: ByteBuffer(string: #"{"id":"bot-id","username":"firebell"}"#))
            )
        }
        router.get("/api/v4/users/username/{name}") { _, context in
            let name = context.parameters.get("name") ?? ""
            return Response(
                status: .ok,
                headers: [.contentType: "application/json"],
                body: .init(byteBuffer: ByteBuffer(string: #"{"id":"id-\#(name)"}"#))
            )
        }
        router.post("/api/v4/posts/ephemeral") { request, _ in
            await self.record(request.uri.path, try await request.body.collect(upTo: 1 << 20))
            return Response(
                status: .created,
                headers: [.contentType: "application/json"],
                body: .init(byteBuffer: ByteBuffer(string: #"{"id":"p1"}"#))
            )
        }
        router.post("/api/v4/posts") { request, _ in
            await self.record(request.uri.path, try await request.body.collect(upTo: 1 << 20))
            return Response(
                status: .created,
                headers: [.contentType: "application/json"],
                body: .init(byteBuffer: ByteBuffer(string: #"{"id":"p2"}"#))
            )
        }
        router.ws("/api/v4/websocket") { _, _ in
            .upgrade([:])
        } onUpgrade: { inbound, outbound, _ in
            var messages = inbound.messages(maxSize: 1 << 20).makeAsyncIterator()
            if case .text(let text) = try await messages.next() { await self.challenge(text) }
            try await outbound.write(.text(#"{"status":"OK","seq_reply":1}"#))
            try await outbound.write(
                .text(
                    #"{"event":"hello","data":{"server_version":"9.11.0"},"broadcast":{"omit_users":null,"user_id":"bot-id","channel_id":"","team_id":""},"seq":0}"#
                )
            )
            for frame in [
                Self.posted("1", user: "u-alice", sender: "alice", message: "/incident declare sev2 Checkout returns 500s"),
                Self.posted("2", user: "bot-id", sender: "firebell", message: "/incident declare sev1 my own post"),
                Self.posted("3", user: "u-bob", sender: "bob", message: "hello team"),
                Self.posted("4", user: "u-bob", sender: "bob", message: "@firebell ack"),
                Self.posted("4", user: "u-bob", sender: "bob", message: "@firebell ack"),
                Self.posted("5", user: "u-bob", sender: "bob", message: "user joined", type: "system_join_channel"),
                Self.posted("6", user: "u-alice", sender: "alice", message: "!incident summary"),
                Self.reaction("pushpin", by: "u-carol", on: "p9"),
                Self.reaction("thumbsup", by: "u-erin", on: "p9"),
                Self.reaction("pushpin", by: "bot-id", on: "p9"),
                Self.reaction("pushpin", by: "u-carol", on: "p9", added: false),
            ] { try await outbound.write(.text(frame)) }
            self.finish.yield()
            while try await messages.next() != nil {}
        }
        return Application(
            router: router,
            server: .http1WebSocketUpgrade(webSocketRouter: router),
            configuration: .init(address: .hostname("127.0.0.1", port: 0))
        )
    }
}

@Suite("Mattermost WebSocket", .timeLimit(.minutes(1)))
struct MattermostWebSocketTests {
    @Test func messagesAndMentionsRunLikeSlashCommands() async throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let standIn = MattermostStandIn()
        try await standIn.application().test(.live) { standInClient in
            let settings = try ServeSettings(environment: [
                "MATTERMOST_URL": "http://127.0.0.1:\(standInClient.port!)", "MATTERMOST_BOT_TOKEN": "bot-token",
                "MATTERMOST_COMMAND_TOKEN": "command-token", "MATTERMOST_WEBSOCKET": "true",
            ])
            let policy = quickDelivery()
            let httpClient = HTTPClient(eventLoopGroupProvider: .singleton)
            do {
                let firebell = try FirebellApplication(
                    configuration: FirebellConfiguration.inPlace(folder.url),
                    settings: settings,
                    httpClient: httpClient,
                    deliveryPolicy: policy,
                    logger: quietLogger()
                )
                let channel = ChannelRef(platform: .mattermost, workspace: "t1", channel: "c1")
                try await firebell.application(port: 0).test(.live) { _ in
                    var finished = standIn.finished.makeAsyncIterator()
                    await finished.next()
                    for _ in 0..<200 where await firebell.service.state(of: channel).lastSequence < 4 {
                        try await Task.sleep(for: .milliseconds(20))
                    }
                    #expect(await firebell.outbox.flush(timeout: .seconds(30)))
                    for _ in 0..<200 where await standIn.posts.filter({ $0.path == "/api/v4/posts/ephemeral" }).count < 3 {
                        try await Task.sleep(for: .milliseconds(20))
                    }
                }
                try await httpClient.shutdown()
                let state = await firebell.service.state(of: channel)
                #expect(state.incidents.count == 1, "the bot's own post and plain chat are not commands")
                #expect(state.latestIncident?.declaredBy == UserRef("alice") && state.latestIncident?.acknowledgedBy == UserRef("bob"))
                let records = try await firebell.service.records(of: channel)
                #expect(records.filter { $0.event == .acknowledged }.count == 1, "a post seen twice runs once")
                // A 📌 on a post puts it on the timeline (read over REST); taking it off is recorded too.
                let pins = records.filter { if case .messagePinned = $0.event { true } else { false } }
                #expect(pins.count == 1 && pins[0].actor == UserRef("carol"))
                if case .messagePinned(let message) = pins.first?.event {
                    #expect(message.id == "p9" && message.author == UserRef("dana") && message.text == "DB failover done\nreplica promoted")
                    #expect(message.postedAt == Date(timeIntervalSince1970: 1_700_000_100))
                    #expect(message.link == "http://127.0.0.1:\(standInClient.port!)/_redirect/pl/p9")
                }
                #expect(records.last?.event == .messageUnpinned(messageID: "p9") && records.last?.actor == UserRef("carol"))
            } catch {
                try? await httpClient.shutdown()
                throw error
            }
        }
        #expect(await standIn.challenges == [#"{"action":"authentication_challenge","data":{"token":"bot-token"},"seq":1}"#])
        let replies = await standIn.posts.filter { $0.path == "/api/v4/posts/ephemeral" }
        #expect(replies.count == 3, "each command is answered to whoever typed it")
        #expect(replies.map { $0.json["user_id"] as? String } == ["id-alice", "id-bob", "id-alice"])
        #expect(((replies.last?.json["post"] as? [String: Any])?["message"] as? String)?.contains("INC-2026-0001: Checkout returns 500s") == true)
    }
}
