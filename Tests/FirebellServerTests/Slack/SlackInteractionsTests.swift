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
                #expect(await firebell.outbox.flush(timeout: .seconds(15)))
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
