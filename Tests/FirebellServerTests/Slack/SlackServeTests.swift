import AsyncHTTPClient
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import IncidentKit
import IncidentStore
import Logging
import NIOCore
import Platforms
import Testing

@testable import FirebellServer

@Suite("firebell serve on Slack", .timeLimit(.minutes(2)))
struct SlackServeTests {
    static let secret = "test-signing-secret"
    let verifier = SlackRequestVerifier(signingSecret: Self.secret)!

    func form(
        _ text: String,
        user: String = "UCAROL",
        channel: String = "C0INCIDENT",
        responseURL: String = "https://hooks.slack.com/commands/T0TEAM/1/x"
    ) -> String {
        var allowed = CharacterSet.alphanumerics
        allowed.insert(charactersIn: "-._~")
        let encoded = text.addingPercentEncoding(withAllowedCharacters: allowed)!
        return
            "token=legacy&team_id=T0TEAM&team_domain=acme&channel_id=\(channel)&channel_name=incident&user_id=\(user)&user_name=x&command=%2Fincident&text=\(encoded)&response_url=\(responseURL.addingPercentEncoding(withAllowedCharacters: allowed)!)&trigger_id=1.2.3"
    }

    func signed(_ body: String, at date: Date = Date(), signature: String? = nil) -> HTTPFields {
        let timestamp = String(Int(date.timeIntervalSince1970))
        return [
            .contentType: "application/x-www-form-urlencoded",
            .slackTimestamp: timestamp,
            .slackSignature: signature ?? verifier.signature(body: Data(body.utf8), timestamp: timestamp),
        ]
    }

    func ephemeralText(_ response: TestResponse) throws -> String {
        let json = try JSONSerialization.jsonObject(with: Data(response.body.readableBytesView)) as? [String: String]
        #expect(json?["response_type"] == "ephemeral")
        return json?["text"] ?? ""
    }

    func withFirebell<T: Sendable>(
        standInPort: Int,
        folder: TemporaryFolder,
        limits: HTTPLimits = HTTPLimits(),
        configuration: FirebellConfiguration? = nil,
        clock: any SchedulerClock = SystemWallClock(),
        store: (@Sendable (HTTPClient) async throws -> OpenedStore)? = nil,
        _ body: @Sendable (any TestClientProtocol, FirebellApplication) async throws -> T
    ) async throws -> T {
        var settings = ServeSettings()
        settings.httpLimits = limits
        settings[SlackSettings.self] = SlackSettings(
            signingSecret: Self.secret,
            botToken: "xoxb-test-token",
            apiURL: "http://127.0.0.1:\(standInPort)/api/"
        )
        var policy = DeliveryPolicy()
        policy.minimumInterval = .milliseconds(100)
        policy.backoffBase = .milliseconds(50)
        // Long enough that the post held at the stand-in (`.gate`) outlives five commands while the whole suite runs
        // on two cores (2 s was not: the held post timed out and was retried).
        policy.requestTimeout = .seconds(5)
        let httpClient = HTTPClient(eventLoopGroupProvider: .singleton)
        do {
            // Only the incident channel here, so the stand-in's faults meet its posts in a known order (the IC's
            // briefing, a direct message, would take one; briefings have their own tests).
            var configuration = configuration ?? FirebellConfiguration.inPlace(folder.url)
            configuration.dataDirectory = folder.url
            configuration.briefings = .off
            let firebell = try FirebellApplication(
                configuration: configuration,
                settings: settings,
                httpClient: httpClient,
                clock: clock,
                deliveryPolicy: policy,
                store: try await store?(httpClient),
                logger: quietLogger()
            )
            let value = try await firebell.application(port: 0).test(.live) { client in try await body(client, firebell) }
            try await httpClient.shutdown()
            return value
        } catch {
            try? await httpClient.shutdown()
            throw error
        }
    }

    @Test func aFullIncidentFromSignedSlashCommandsReachesTheWebAPIInOrder() async throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let standIn = SlackStandIn(faults: [.gate, .rateLimited(retryAfter: 1), .serverError, .slow(.seconds(6)), .slackError("internal_error")])
        try await standIn.application().test(.live) { standInClient in
            try await withFirebell(standInPort: standInClient.port!, folder: folder) { client, firebell in
                let lines: [(String, String)] = [
                    ("declare sev2 Checkout returns 500s impact: 30% of card payments fail", "UCAROL"),
                    ("role ic <@UALICE|alice>", "UCAROL"),
                    ("ack", "UALICE"),
                    ("update Rolled back release 2026.11.3, error rate falling next: 30m", "UALICE"),
                    ("resolve root cause: an untested config change", "UALICE"),
                ]
                for (index, (text, user)) in lines.enumerated() {
                    let body = form(text, user: user)
                    let response = try await client.execute(
                        uri: "/slack/commands",
                        method: .post,
                        headers: signed(body),
                        body: ByteBuffer(string: body)
                    )
                    #expect(response.status == .ok)
                    let reply = try ephemeralText(response)
                    #expect(reply.hasPrefix("✓"), "\(text): \(reply)")
                    // The declare was answered while its Initial Alert was still held at the stand-in: answers never wait
                    // for the Web API. (Released now, well inside the client's timeout even on a loaded machine, so the
                    // held post is not retried while Slack still holds it.)
                    if index == 0 { await standIn.release() }
                }
                #expect(await firebell.outbox.flush(timeout: .seconds(30)))
                let metrics = try await client.execute(uri: "/metrics", method: .get)
                let text = String(buffer: metrics.body)
                #expect(metrics.status == .ok)
                #expect(text.contains(#"firebell_commands_total{verb="declare",outcome="accepted"} 1"#), "\(text)")
                #expect(text.contains(#"firebell_commands_total{verb="resolve",outcome="accepted"} 1"#))
                #expect(text.contains(#"firebell_deliveries_total{outcome="delivered"} 8"#), "5 posts and 3 edits of the headline")
                #expect(text.contains(#"firebell_deliveries_total{outcome="rate_limited"} 1"#))
                #expect(text.contains(#"firebell_deliveries_total{outcome="retried"} 3"#))
                #expect(text.contains("firebell_outbox_depth 0"))
                #expect(text.contains("firebell_command_duration_seconds_count 5"))
            }
        }
        let posted = await standIn.posted
        #expect(posted.allSatisfy { $0.authorization == "Bearer xoxb-test-token" })
        #expect(posted.allSatisfy { $0.contentType == "application/json; charset=utf-8" })
        #expect(posted.allSatisfy { $0.json["channel"] == "C0INCIDENT" })
        // What the channel shows: each post once, though one answer came too late and others failed.
        let texts = await standIn.shown(in: "C0INCIDENT")
        #expect(texts.count == 5)
        #expect(texts[0].contains("*Incident:* Checkout returns 500s (INC-"))
        #expect(texts[0].contains("*Impact:* 30% of card payments fail"))
        #expect(texts[1].contains("made <@UALICE> Incident Commander") || texts[1].contains("@UALICE"))
        #expect(texts[2].contains("acknowledged"))
        #expect(texts[3].contains("Status Update:") && texts[3].contains("Rolled back release 2026.11.3"))
        #expect(texts[4].contains("*Status:* Resolved") && texts[4].contains("an untested config change"))
        let all = await standIn.calls
        let lookups = all.filter { $0.method.hasPrefix("conversations.") }
        #expect(lookups.count == 2, "after the 500 and the late answer to a post, Firebell looked for it before posting again (edits are idempotent)")
        let calls = all.filter { !$0.method.hasPrefix("conversations.") }
        #expect(
            calls.map(\.answered) == ["ok", "429", "500", "late", "internal_error"] + Array(repeating: "ok", count: 6),
            "the post that arrived late is found, not posted again"
        )
        // The Initial Alert is the headline: kept current by editing it (IC assigned, update posted, resolved).
        let edits = calls.filter { $0.method == "chat.update" && $0.answered == "ok" }
        let alertTS = await standIn.history["C0INCIDENT"]?.first?.ts
        #expect(edits.count == 3)
        #expect(edits.allSatisfy { $0.json["ts"] == alertTS && $0.json["channel"] == "C0INCIDENT" }, "edits replace the Initial Alert's ts")
        #expect(edits[0].json["text"]?.contains("*Commander:* <@UALICE>") == true)
        #expect(edits[1].json["text"]?.contains("*Next Update:*") == true)
        #expect(edits[2].json["text"]?.contains("*Status:* Resolved") == true)
        #expect(calls[2].at - calls[1].at >= .milliseconds(990), "Retry-After: 1 is honoured")
        // One message per 100 ms interval per channel: the seven calls after the faults go out back to back, paced.
        // Measured over the run of seven, because one gap seen at the stand-in can shrink when the earlier request
        // was slow to arrive on a loaded machine (50 ms allowed for that).
        let paced = calls.suffix(6)
        #expect(paced.last!.at - paced.first!.at >= .milliseconds(100) * (paced.count - 1) - .milliseconds(50), "one message per interval")
    }

    @Test func forgedStaleTamperedAndOversizedRequestsAreRejectedBeforeAnythingIsStored() async throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let standIn = SlackStandIn()
        try await standIn.application().test(.live) { standInClient in
            try await withFirebell(standInPort: standInClient.port!, folder: folder) { client, firebell in
                let body = form("declare sev1 Forged incident")
                func post(_ headers: HTTPFields, _ text: String = body) async throws -> TestResponse {
                    try await client.execute(uri: "/slack/commands", method: .post, headers: headers, body: ByteBuffer(string: text))
                }
                let unsigned = try await post([.contentType: "application/x-www-form-urlencoded"])
                #expect(unsigned.status == .unauthorized)
                let forged = try await post(signed(body, signature: "v0=" + String(repeating: "a", count: 64)))
                #expect(forged.status == .unauthorized)
                let stale = try await post(signed(body, at: Date().addingTimeInterval(-400)))
                #expect(stale.status == .unauthorized)
                let tampered = try await post(signed(body), body + "&text=declare+sev1+Other")
                #expect(tampered.status == .unauthorized)
                let huge = body + "&pad=" + String(repeating: "x", count: 70_000)
                let oversized = try await post(signed(huge), huge)
                #expect(oversized.status == .contentTooLarge)
                var json = signed(body)
                json[.contentType] = "application/json"
                let wrongType = try await post(json)
                #expect(wrongType.status == .unsupportedMediaType)
                #expect(firebell.service.channels.isEmpty, "nothing was stored")
                let ssl = "ssl_check=1&token=x"
                let check = try await post(signed(ssl), ssl)
                #expect(check.status == .ok && check.body.readableBytes == 0)
                let health = try await client.execute(uri: "/healthz", method: .get)
                #expect(health.status == .ok)
                let ready = try await client.execute(uri: "/readyz", method: .get)
                #expect(ready.status == .ok)
            }
        }
        #expect(await standIn.calls.isEmpty)
    }

    @Test func aPostRefusedForGoodIsReportedToTheInvokerAndNotRetried() async throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let standIn = SlackStandIn(faults: [.slackError("not_in_channel")])
        try await standIn.application().test(.live) { standInClient in
            try await withFirebell(standInPort: standInClient.port!, folder: folder) { client, firebell in
                let body = form("declare sev2 Bot not invited", responseURL: "http://127.0.0.1:\(standInClient.port!)/response/1")
                let response = try await client.execute(uri: "/slack/commands", method: .post, headers: signed(body), body: ByteBuffer(string: body))
                #expect(try ephemeralText(response).hasPrefix("✓"))
                #expect(await firebell.outbox.flush(timeout: .seconds(30)))
            }
        }
        let calls = await standIn.calls
        #expect(calls.filter { $0.method == "chat.postMessage" }.count == 1, "a permanent error is not retried")
        let notice = try #require(calls.first { $0.method == "response_url" })
        #expect(notice.json["response_type"] == "ephemeral")
        #expect(notice.json["text"]?.contains("could not post to this channel (not_in_channel). Invite the bot with /invite @firebell.") == true)
    }

    @Test func hostileBodiesGetAClear4xxAndChangeNothing() async throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let standIn = SlackStandIn()
        try await standIn.application().test(.live) { standInClient in
            try await withFirebell(standInPort: standInClient.port!, folder: folder) { client, firebell in
                func post(_ uri: String, _ bytes: [UInt8], json: Bool = false) async throws -> TestResponse {
                    let timestamp = String(Int(Date().timeIntervalSince1970))
                    var headers: HTTPFields = [.slackTimestamp: timestamp, .slackSignature: verifier.signature(body: bytes, timestamp: timestamp)]
                    headers[.contentType] = json ? "application/json" : "application/x-www-form-urlencoded"
                    return try await client.execute(uri: uri, method: .post, headers: headers, body: ByteBuffer(bytes: bytes))
                }
                let invalidUTF8 = try await post("/slack/commands", Array("command=%2Fincident&text=".utf8) + [0xFF, 0xFE, 0xC3])
                #expect(invalidUTF8.status == .badRequest)
                let nested = String(repeating: "[", count: 30_000) + String(repeating: "]", count: 30_000)
                let deep = try await post("/slack/events", Array(nested.utf8), json: true)
                #expect(deep.status == .badRequest)
                let deepInteraction = try await post("/slack/interactions", Array(("payload=" + String(repeating: "%5B", count: 15_000)).utf8))
                #expect(deepInteraction.status == .badRequest)
                let huge = form("note " + String(repeating: "x", count: 20_000))
                let gigantic = try await post("/slack/commands", Array(huge.utf8))
                #expect(gigantic.status == .ok)
                #expect(try ephemeralText(gigantic).contains("the limit is 8000"))
                let state = await firebell.service.state(of: ChannelRef(platform: .slack, workspace: "T0TEAM", channel: "C0INCIDENT"))
                #expect(state.order.isEmpty, "nothing was recorded")
                let health = try await client.execute(uri: "/healthz", method: .get)
                #expect(health.status == .ok, "still serving")
            }
        }
    }

    @Test func errorsAndViewsGoOnlyToTheInvoker() async throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let standIn = SlackStandIn()
        try await standIn.application().test(.live) { standInClient in
            try await withFirebell(standInPort: standInClient.port!, folder: folder) { client, firebell in
                func run(_ text: String) async throws -> String {
                    let body = form(text)
                    return try ephemeralText(
                        try await client.execute(uri: "/slack/commands", method: .post, headers: signed(body), body: ByteBuffer(string: body))
                    )
                }
                let typo = try await run("delcare sev1 x")
                #expect(typo.hasPrefix("✗ Unknown command 'delcare'. Did you mean 'declare'?"))
                let declared = try await run("declare sev1 <!channel> is down")
                #expect(declared.hasPrefix("✓"))
                let summary = try await run("summary")
                #expect(summary.contains("&lt;!channel&gt; is down"), "user text is escaped in mrkdwn")
                #expect(await firebell.outbox.flush(timeout: .seconds(30)))
            }
        }
        let posted = await standIn.posted
        #expect(posted.count == 1, "only the Initial Alert reached the channel")
        #expect(posted.first?.json["text"]?.contains("<!channel>") == false)
    }
}
