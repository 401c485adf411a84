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

/// A local Socket Mode endpoint: `apps.connections.open` over HTTP, and Slack's frames over WebSocket.
/// Each connection plays the next script; acknowledgements are reported on `acks`.
actor SocketModeStandIn {
    enum Step: Sendable {
        case send(String)
        /// Waits for the acknowledgement of the last envelope.
        case awaitAck
        /// Sends `disconnect` and waits for the client to close.
        case disconnect
        /// Closes the socket without a word.
        case drop
        /// Keeps the connection open until the test ends.
        case hold
    }

    private var scripts: [[Step]]
    private(set) var opened = 0
    private(set) var authorizations: [String] = []
    var port = 0
    let web = SlackStandIn()
    let (acks, ackSink) = AsyncStream<String>.makeStream()

    init(scripts: [[Step]]) { self.scripts = scripts }

    func setPort(_ port: Int) { self.port = port }

    func open(authorization: String?) -> String {
        opened += 1
        authorizations.append(authorization ?? "")
        return #"{"ok":true,"url":"ws://127.0.0.1:\#(port)/link?ticket=\#(opened)"}"#
    }

    func nextScript() -> [Step] { scripts.isEmpty ? [.hold] : scripts.removeFirst() }

    nonisolated func ack(_ text: String) { ackSink.yield(text) }

    nonisolated func application() -> some ApplicationProtocol {
        let router = Router(context: BasicWebSocketRequestContext.self)
        router.post("/api/apps.connections.open") { request, _ in
            let json = await self.open(authorization: request.headers[.authorization])
            return Response(status: .ok, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(string: json)))
        }
        router.post("/api/{method}") { request, _ in
            let body = try await request.body.collect(upTo: 1 << 20)
            return try await self.web.handle(request, body: body)
        }
        router.ws("/link") { _, _ in
            .upgrade([:])
        } onUpgrade: { inbound, outbound, _ in
            var messages = inbound.messages(maxSize: 1 << 20).makeAsyncIterator()
            try await outbound.write(
                .text(
                    #"{"type":"hello","num_connections":1,"debug_info":{"host":"applink-111-222","build_number":10,"approximate_connection_time":18060},"connection_info":{"app_id":"A111"}}"#
                )
            )
            for step in await self.nextScript() {
                switch step {
                case .send(let text): try await outbound.write(.text(text))
                case .awaitAck:
                    if case .text(let text) = try await messages.next() { self.ack(text) }
                case .disconnect:
                    try await outbound.write(
                        .text(
                            #"{"type":"disconnect","reason":"refresh_requested","num_connections":1,"debug_info":{"host":"applink-111-xxx"},"connection_info":{"app_id":"A111"}}"#
                        )
                    )
                    while try await messages.next() != nil {}
                    return
                case .drop:
                    return
                case .hold:
                    while try await messages.next() != nil {}
                    return
                }
            }
        }
        return Application(
            router: router,
            server: .http1WebSocketUpgrade(webSocketRouter: router),
            configuration: .init(address: .hostname("127.0.0.1", port: 0))
        )
    }

    static func slashCommand(_ id: String, _ text: String, user: String = "U111") -> String {
        let payload: [String: Any] = [
            "token": "verification-token", "team_id": "T111", "team_domain": "xxx", "channel_id": "C111", "channel_name": "random",
            "user_id": user, "user_name": "testxyz", "command": "/incident", "text": text, "api_app_id": "A111",
            "response_url": "https://hooks.slack.com/commands/T111/111/xxx", "trigger_id": "111.222.xxx",
        ]
        return envelope(id, "slash_commands", payload, acceptsResponse: true)
    }

    static func mention(_ id: String, eventID: String, _ text: String) -> String {
        let event: [String: Any] = [
            "type": "app_mention", "text": "<@U111> \(text)", "user": "U222", "ts": "1610241741.000200", "team": "T111",
            "channel": "C111", "event_ts": "1610241741.000200",
        ]
        let payload: [String: Any] = [
            "token": "verification-token", "team_id": "T111", "api_app_id": "A111", "event": event, "type": "event_callback",
            "event_id": eventID, "event_time": 1_610_241_741,
        ]
        return envelope(id, "events_api", payload, acceptsResponse: false)
    }

    static func envelope(_ id: String, _ type: String, _ payload: [String: Any], acceptsResponse: Bool) -> String {
        let frame: [String: Any] = ["envelope_id": id, "payload": payload, "type": type, "accepts_response_payload": acceptsResponse]
        return String(decoding: try! JSONSerialization.data(withJSONObject: frame, options: [.sortedKeys]), as: UTF8.self)
    }
}

@Suite("Slack Socket Mode", .timeLimit(.minutes(1)))
struct SlackSocketModeTests {
    @Test func anEnvelopeWithAScalarPayloadIsReadNotFatal() throws {
        // Found by the fuzzer when payloads were read with JSONSerialization, which traps on a top-level scalar. Now the
        // payload is a typed JSON value: a scalar is kept as it came, and no payload type decodes from it.
        let frame = SocketModeFrame(text: #"{"envelope_id":"e1","type":"slash_commands","payload":true,"accepts_response_payload":true}"#)
        guard case .envelope(let envelope) = frame else {
            Issue.record("not an envelope: \(String(describing: frame))")
            return
        }
        #expect(envelope.payload == Data("true".utf8))
        #expect(SlackSlashCommand(json: envelope.payload) == nil)
        #expect(envelope.acknowledgement(payload: envelope.payload) == #"{"envelope_id":"e1","payload":true}"#)
    }

    @Test func envelopesRunOnceAreAcknowledgedAndTheClientReconnects() async throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        typealias S = SocketModeStandIn
        let standIn = S(scripts: [
            [
                .send(S.slashCommand("E1", "declare sev2 Checkout returns 500s")), .awaitAck,
                .send(S.slashCommand("E1", "declare sev2 Checkout returns 500s")), .awaitAck,
                .send(S.mention("E2", eventID: "Ev2", "sev 1")), .awaitAck,
                .disconnect,
            ],
            [.send(S.slashCommand("E3", "ack")), .awaitAck, .drop],
            [.send(S.slashCommand("E4", "summary")), .awaitAck, .hold],
        ])
        try await standIn.application().test(.live) { standInClient in
            await standIn.setPort(standInClient.port!)
            var settings = ServeSettings()
            // The test client connects at once and first speaks after the five envelopes (20 s and more on a loaded
            // machine): longer than the default 10 s for a request's head, after which the server rightly closes it.
            settings.httpLimits.headerTimeout = .seconds(120)
            var slack = SlackSettings(
                botToken: "xoxb-test-token",
                appToken: "xapp-test-token",
                apiURL: "http://127.0.0.1:\(standInClient.port!)/api/"
            )
            slack.socketModeBackoff = .milliseconds(50)
            settings[SlackSettings.self] = slack
            let httpClient = HTTPClient(eventLoopGroupProvider: .singleton)
            let firebell = try FirebellApplication(
                configuration: FirebellConfiguration.inPlace(folder.url),
                settings: settings,
                httpClient: httpClient,
                logger: quietLogger()
            )
            try await firebell.application(port: 0).test(.live) { client in
                var acks = standIn.acks.makeAsyncIterator()
                var received: [[String: Any]] = []
                for _ in 0..<5 {
                    let text = try #require(await acks.next())
                    received.append(try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any]))
                }
                #expect(
                    received.map { $0["envelope_id"] as? String } == ["E1", "E1", "E2", "E3", "E4"],
                    "every envelope is acknowledged, duplicates too"
                )
                let firstReply = (received[0]["payload"] as? [String: String])?["text"] ?? ""
                #expect(firstReply.hasPrefix("✓") && firstReply.contains("declared SEV2"))
                #expect(received[1]["payload"] == nil, "a redelivered envelope is not run again")
                #expect(received[2]["payload"] == nil, "events_api envelopes take no response payload")
                let summary = (received[4]["payload"] as? [String: String])?["text"] ?? ""
                #expect(summary.contains("Severity: SEV1") && summary.contains("Acknowledged:"))

                let ready = try await client.execute(uri: "/readyz", method: .get)
                #expect(ready.status == .ok, "connected")
                let state = await firebell.service.state(of: ChannelRef(platform: .slack, workspace: "T111", channel: "C111"))
                #expect(state.order.count == 1, "one incident, though E1 came twice")
                #expect(await firebell.outbox.flush(timeout: .seconds(30)))
            }
            try await httpClient.shutdown()
        }
        #expect(await standIn.opened == 3, "a fresh URL after disconnect and after the dropped socket")
        #expect(await standIn.authorizations.allSatisfy { $0 == "Bearer xapp-test-token" })
        #expect(await standIn.web.posted.count >= 2, "posts still go through the Web API")
    }
}
