import Foundation
import HTTPTypes
import HummingbirdTesting
import IncidentKit
import NIOCore
import Platforms
import Testing

@testable import FirebellServer

@Suite("Slack Events API", .timeLimit(.minutes(1)))
struct SlackEventsTests {
    let serve = SlackServeTests()

    func mention(_ text: String, eventID: String, user: String = "UCAROL") -> String {
        let event: [String: Any] = [
            "type": "app_mention", "user": user, "text": "<@UFIREBELL> \(text)", "channel": "C0INCIDENT", "ts": "1.2", "event_ts": "1.2",
        ]
        let body: [String: Any] = [
            "type": "event_callback", "team_id": "T0TEAM", "api_app_id": "A1", "event": event, "event_id": eventID, "event_time": 1,
        ]
        return String(decoding: try! JSONSerialization.data(withJSONObject: body, options: [.sortedKeys]), as: UTF8.self)
    }

    func jsonHeaders(_ body: String, retry: String? = nil) -> HTTPFields {
        var headers = serve.signed(body)
        headers[.contentType] = "application/json"
        if let retry { headers[HTTPField.Name("X-Slack-Retry-Num")!] = retry }
        return headers
    }

    @Test func urlVerificationAnswersTheChallenge() async throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let standIn = SlackStandIn()
        try await standIn.application().test(.live) { standInClient in
            try await serve.withFirebell(standInPort: standInClient.port!, folder: folder) { client, _ in
                let body =
                    #"{"token":"Jhj5dZrVaK7ZwHHjRyZWjbDl","challenge":"3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P","type":"url_verification"}"#
                let response = try await client.execute(
                    uri: "/slack/events",
                    method: .post,
                    headers: jsonHeaders(body),
                    body: ByteBuffer(string: body)
                )
                #expect(response.status == .ok)
                let json = try JSONSerialization.jsonObject(with: Data(response.body.readableBytesView)) as? [String: String]
                #expect(json == ["challenge": "3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P"])
                var unsigned = jsonHeaders(body)
                unsigned[.slackSignature] = "v0=" + String(repeating: "0", count: 64)
                let forged = try await client.execute(uri: "/slack/events", method: .post, headers: unsigned, body: ByteBuffer(string: body))
                #expect(forged.status == .unauthorized)
            }
        }
    }

    @Test func aMentionRunsTheCommandOnceEvenWhenRedelivered() async throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let standIn = SlackStandIn()
        try await standIn.application().test(.live) { standInClient in
            try await serve.withFirebell(standInPort: standInClient.port!, folder: folder) { client, firebell in
                let declare = mention("/incident declare sev3 Search is slow", eventID: "Ev001")
                for retry in [nil, "1", "2"] {
                    let response = try await client.execute(
                        uri: "/slack/events",
                        method: .post,
                        headers: jsonHeaders(declare, retry: retry),
                        body: ByteBuffer(string: declare)
                    )
                    #expect(response.status == .ok)
                }
                let raise = mention("sev 1", eventID: "Ev002")
                _ = try await client.execute(uri: "/slack/events", method: .post, headers: jsonHeaders(raise), body: ByteBuffer(string: raise))
                let typo = mention("resovle", eventID: "Ev003")
                _ = try await client.execute(uri: "/slack/events", method: .post, headers: jsonHeaders(typo), body: ByteBuffer(string: typo))
                #expect(await firebell.outbox.flush(timeout: .seconds(10)))
                let channel = ChannelRef(platform: .slack, workspace: "T0TEAM", channel: "C0INCIDENT")
                let state = await firebell.service.state(of: channel)
                #expect(state.order.count == 1, "the redeliveries of Ev001 were ignored")
                #expect(state.activeIncident?.severity == .sev1)
            }
        }
        let calls = await standIn.calls
        #expect(calls.filter { $0.method == "chat.postMessage" }.count == 2, "Initial Alert and the severity notice")
        let ephemeral = calls.filter { $0.method == "chat.postEphemeral" }
        #expect(ephemeral.count == 1)
        #expect(ephemeral.first?.json["user"] == "UCAROL")
        #expect(ephemeral.first?.json["text"]?.contains("Did you mean 'resolve'?") == true)
    }
}
