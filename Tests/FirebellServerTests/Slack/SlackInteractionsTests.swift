import Foundation
import HTTPTypes
import HummingbirdTesting
import IncidentKit
import NIOCore
import Platforms
import Testing

@testable import FirebellServer

@Suite("Slack interactivity", .timeLimit(.minutes(1)))
struct SlackInteractionsTests {
    let serve = SlackServeTests()
    let channel = ChannelRef(platform: .slack, workspace: "T0TEAM", channel: "C0INCIDENT")

    func form(payload: [String: Any]) -> String {
        let json = String(decoding: try! JSONSerialization.data(withJSONObject: payload, options: [.sortedKeys]), as: UTF8.self)
        var allowed = CharacterSet.alphanumerics
        allowed.insert(charactersIn: "-._~")
        return "payload=" + json.addingPercentEncoding(withAllowedCharacters: allowed)!
    }

    func click(_ actionID: String, incident: String, user: String = "UALICE") -> String {
        form(payload: [
            "type": "block_actions", "user": ["id": user], "team": ["id": "T0TEAM"], "channel": ["id": "C0INCIDENT"],
            "trigger_id": "trigger-1", "actions": [["action_id": actionID, "value": incident, "type": "button"]],
            "response_url": "https://hooks.slack.com/actions/x",
        ])
    }

    func submit(text: String, next: String?, user: String = "UALICE") -> String {
        var values: [String: Any] = ["update": ["text": ["type": "plain_text_input", "value": text]]]
        values["next"] = ["text": ["type": "plain_text_input", "value": next as Any]]
        return form(payload: [
            "type": "view_submission", "user": ["id": user], "team": ["id": "T0TEAM"],
            "view": ["callback_id": SlackBlocks.updateModal, "private_metadata": "T0TEAM/C0INCIDENT", "state": ["values": values]],
        ])
    }

    @Test func buttonsAndTheUpdateModalRunTheSameCommands() async throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let standIn = SlackStandIn()
        try await standIn.application().test(.live) { standInClient in
            try await serve.withFirebell(standInPort: standInClient.port!, folder: folder) { client, firebell in
                func post(_ uri: String, _ body: String) async throws -> TestResponse {
                    try await client.execute(uri: uri, method: .post, headers: serve.signed(body), body: ByteBuffer(string: body))
                }
                _ = try await post("/slack/commands", serve.form("declare sev1 Checkout down"))
                let id = try #require(await firebell.service.state(of: channel).activeIncident?.id.description)

                let ack = try await post("/slack/interactions", click(SlackBlocks.acknowledge, incident: id))
                #expect(ack.status == .ok)
                #expect(await firebell.service.state(of: channel).activeIncident?.acknowledgedBy == UserRef("UALICE"))

                _ = try await post("/slack/interactions", click(SlackBlocks.snooze, incident: id))
                #expect(await firebell.service.state(of: channel).activeIncident?.snoozedUntil != nil)

                _ = try await post("/slack/interactions", click(SlackBlocks.postUpdate, incident: id))
                let badNext = try await post("/slack/interactions", submit(text: "Rolled back", next: "soon"))
                let errors = try JSONSerialization.jsonObject(with: Data(badNext.body.readableBytesView)) as? [String: Any]
                #expect(errors?["response_action"] as? String == "errors")
                #expect((errors?["errors"] as? [String: String])?["next"]?.contains("duration") == true)
                #expect(await firebell.service.state(of: channel).activeIncident?.updateCount == 0, "a rejected form changes nothing")

                let submitted = try await post("/slack/interactions", submit(text: "Rolled back; eta: unknown, next: soon", next: "15m"))
                #expect(submitted.status == .ok && submitted.body.readableBytes == 0, "an empty answer closes the modal")
                let incident = try #require(await firebell.service.state(of: channel).activeIncident)
                #expect(
                    incident.lastUpdate?.text == "Rolled back; eta: unknown, next: soon",
                    "modal text is taken literally, never parsed for clauses"
                )
                #expect(incident.lastUpdate.map { $0.nextUpdateAt?.timeIntervalSince($0.postedAt) } == 900)

                let stale = try await post("/slack/interactions", click(SlackBlocks.acknowledge, incident: "INC-2020-0001"))
                #expect(stale.status == .ok)
                let unsigned = try await client.execute(
                    uri: "/slack/interactions",
                    method: .post,
                    headers: [.contentType: "application/x-www-form-urlencoded"],
                    body: ByteBuffer(string: click(SlackBlocks.acknowledge, incident: id))
                )
                #expect(unsigned.status == .unauthorized)
                #expect(await firebell.outbox.flush(timeout: .seconds(30)))
            }
        }
        let calls = await standIn.calls
        let alert = try #require(calls.first { $0.method == "chat.postMessage" })
        #expect(alert.json["blocks"]?.contains(SlackBlocks.acknowledge) == true, "the Initial Alert carries the buttons")
        let modal = try #require(calls.first { $0.method == "views.open" })
        #expect(modal.json["trigger_id"] == "trigger-1")
        #expect(modal.json["view"]?.contains(SlackBlocks.updateModal) == true)
        #expect(calls.contains { $0.method == "chat.postMessage" && $0.json["text"]?.contains("Rolled back; eta: unknown, next: soon") == true })
        let ephemeral = calls.filter { $0.method == "chat.postEphemeral" }
        #expect(ephemeral.contains { $0.json["text"]?.contains("belongs to INC-2020-0001, which is no longer the active incident") == true })
    }
}

/// The message shortcuts: "Declare incident" from a message, "Add to timeline"; the invoker hears back privately
/// through the shortcut's `response_url`.
@Suite("Slack message shortcuts", .timeLimit(.minutes(1)))
struct SlackMessageShortcutTests {
    let interactions = SlackInteractionsTests()

    func shortcut(_ callbackID: String, ts: String, text: String, author: String, responseURL: String) -> String {
        interactions.form(payload: [
            "type": "message_action", "callback_id": callbackID, "trigger_id": "trigger-2", "message_ts": ts,
            "user": ["id": "UCAROL", "name": "carol"], "channel": ["id": "C0INCIDENT", "name": "incidents"],
            "team": ["id": "T0TEAM", "domain": "acme"], "response_url": responseURL, "action_ts": "1.5", "token": "legacy",
            "message": ["type": "message", "ts": ts, "text": text, "user": author],
        ])
    }

    @Test func declareFromAMessageAndPinAnother() async throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let standIn = SlackStandIn()
        try await standIn.application().test(.live) { standInClient in
            try await interactions.serve.withFirebell(standInPort: standInClient.port!, folder: folder) { client, firebell in
                let responses = "http://127.0.0.1:\(standInClient.port!)/response"
                func post(_ body: String) async throws -> HTTPResponse.Status {
                    try await client.execute(
                        uri: "/slack/interactions",
                        method: .post,
                        headers: interactions.serve.signed(body),
                        body: ByteBuffer(string: body)
                    ).status
                }
                let report = "Payments API returns 502 for EU cards\nStarted a few minutes ago <!here>"
                #expect(
                    try await post(shortcut("firebell_declare", ts: "1796200000.000100", text: report, author: "UBOB", responseURL: responses + "/1"))
                        == .ok
                )
                #expect(
                    try await post(
                        shortcut("firebell_pin", ts: "1796200060.000200", text: "DB failover done", author: "UDANA", responseURL: responses + "/2")
                    ) == .ok
                )
                #expect(await firebell.outbox.flush(timeout: .seconds(30)))

                let incident = try #require(await firebell.service.state(of: interactions.channel).activeIncident)
                #expect(incident.title == "Payments API returns 502 for EU cards" && incident.severity == .sev3)
                #expect(incident.impact == "Payments API returns 502 for EU cards / Started a few minutes ago <!here>")
                #expect(incident.pinnedMessages == ["1796200000.000100", "1796200060.000200"])
                let records = try await firebell.service.records(of: interactions.channel)
                guard case .messagePinned(let message) = records[1].event else {
                    Issue.record("the declaring message is on the timeline")
                    return
                }
                #expect(message.link == "https://acme.slack.com/archives/C0INCIDENT/p1796200000000100" && message.author == UserRef("UBOB"))
                let answers = await standIn.calls.filter { $0.method == "response_url" }.compactMap { $0.json["text"] }
                #expect(answers.count == 2)
                #expect(answers.first?.hasPrefix("✓ @UCAROL declared SEV3 “Payments API returns 502 for EU cards”") == true, "\(answers)")
                #expect(answers.first?.hasSuffix("change it with /incident sev &lt;1-4&gt; &lt;reason&gt;.") == true, "how to change the severity")
                #expect(answers.last?.hasPrefix("✓ @UCAROL pinned a message by @UDANA (posted 2026-12-02 08:27 UTC): DB failover done") == true)
                let alert = await standIn.shown(in: "C0INCIDENT").first ?? ""
                #expect(alert.contains("*Impact:* Payments API returns 502 for EU cards / Started a few minutes ago &lt;!here&gt;"), "escaped")
            }
        }
    }
}
