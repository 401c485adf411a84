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
                #expect(await firebell.outbox.flush(timeout: .seconds(30)))
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

/// A 📌 reaction puts a message on the incident's timeline: a top-level message and a thread reply, read with
/// `reactions.get`, once however often it is pinned or the event redelivered; taking the last pin off is recorded.
@Suite("Slack pins to the timeline", .timeLimit(.minutes(1)))
struct SlackPinTests {
    let events = SlackEventsTests()

    func reaction(_ name: String, by user: String, on ts: String, eventID: String, added: Bool = true) -> String {
        let event: [String: Any] = [
            "type": added ? "reaction_added" : "reaction_removed", "user": user, "reaction": name, "item_user": "UBOB",
            "item": ["type": "message", "channel": "C0INCIDENT", "ts": ts], "event_ts": "1.3",
        ]
        let body: [String: Any] = [
            "type": "event_callback", "team_id": "T0TEAM", "api_app_id": "A1", "event": event, "event_id": eventID, "event_time": 1,
        ]
        return String(decoding: try! JSONSerialization.data(withJSONObject: body, options: [.sortedKeys]), as: UTF8.self)
    }

    @Test func aPushpinPutsAMessageAndAThreadReplyOnTheTimelineOnce() async throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let standIn = SlackStandIn()
        try await standIn.application().test(.live) { standInClient in
            try await events.serve.withFirebell(standInPort: standInClient.port!, folder: folder) { client, firebell in
                func send(_ body: String) async throws -> HTTPResponse.Status {
                    let response = try await client.execute(
                        uri: "/slack/events",
                        method: .post,
                        headers: events.jsonHeaders(body),
                        body: ByteBuffer(string: body)
                    )
                    return response.status
                }
                let declare = events.mention("declare sev2 Checkout errors", eventID: "Ev1")
                #expect(try await send(declare) == .ok)
                let top = await standIn.say("Error rate jumped at 10:58 after the deploy <!channel>", by: "UBOB", in: "C0INCIDENT")
                let reply = await standIn.say("Rolling back now", by: "UDANA", in: "C0INCIDENT", thread: top)

                await standIn.react("pushpin", by: "UCAROL", to: top, in: "C0INCIDENT")
                #expect(try await send(reaction("pushpin", by: "UCAROL", on: top, eventID: "Ev2")) == .ok)
                #expect(try await send(reaction("pushpin", by: "UCAROL", on: top, eventID: "Ev2")) == .ok, "a redelivery")
                await standIn.react("pushpin", by: "UERIN", to: top, in: "C0INCIDENT")
                #expect(try await send(reaction("pushpin", by: "UERIN", on: top, eventID: "Ev3")) == .ok, "a second pin")
                await standIn.react("pushpin::skin-tone-3", by: "UCAROL", to: reply, in: "C0INCIDENT")
                #expect(try await send(reaction("pushpin::skin-tone-3", by: "UCAROL", on: reply, eventID: "Ev4")) == .ok)
                #expect(try await send(reaction("thumbsup", by: "UCAROL", on: reply, eventID: "Ev5")) == .ok)
                // One pin comes off the top message: another is still on it, so nothing changes; then the last.
                await standIn.react("pushpin", by: "UERIN", to: top, in: "C0INCIDENT", added: false)
                #expect(try await send(reaction("pushpin", by: "UERIN", on: top, eventID: "Ev6", added: false)) == .ok)
                await standIn.react("pushpin", by: "UCAROL", to: top, in: "C0INCIDENT", added: false)
                #expect(try await send(reaction("pushpin", by: "UCAROL", on: top, eventID: "Ev7", added: false)) == .ok)
                // A message that cannot be read: Slack is asked to deliver the event again.
                #expect(try await send(reaction("pushpin", by: "UCAROL", on: "999.000001", eventID: "Ev8")) == .internalServerError)
                #expect(await firebell.outbox.flush(timeout: .seconds(30)))

                let channel = ChannelRef(platform: .slack, workspace: "T0TEAM", channel: "C0INCIDENT")
                let records = try await firebell.service.records(of: channel)
                let pins = records.compactMap { record -> ChatMessage? in
                    if case .messagePinned(let message) = record.event { message } else { nil }
                }
                #expect(pins.map(\.id) == [top, reply], "each once, in order")
                #expect(pins[0].author == UserRef("UBOB") && pins[0].text == "Error rate jumped at 10:58 after the deploy <!channel>")
                #expect(abs(pins[0].postedAt.timeIntervalSince1970 - Double(top)!) < 0.001, "the message's own time")
                #expect(pins[0].link == "https://acme.slack.com/archives/C0INCIDENT/p\(top.replacingOccurrences(of: ".", with: ""))")
                #expect(pins[1].author == UserRef("UDANA") && pins[1].text == "Rolling back now", "a thread reply is read the same way")
                #expect(records.filter { $0.event == .messageUnpinned(messageID: top) }.count == 1, "only when the last pin came off")
                #expect(records.first { $0.event == .messageUnpinned(messageID: top) }?.actor == UserRef("UCAROL"))

                let timeline = events.mention("timeline", eventID: "Ev9")
                #expect(try await send(timeline) == .ok)
                #expect(await firebell.outbox.flush(timeout: .seconds(30)))
                let shown = try #require(await standIn.calls.last { $0.method == "chat.postEphemeral" }?.json["text"])
                #expect(shown.contains("@UCAROL pinned a message by @UBOB (posted"))
                #expect(shown.contains("Error rate jumped at 10:58 after the deploy &lt;!channel&gt; https://acme.slack.com/archives/"), "escaped")
                #expect(shown.contains("@UCAROL took the pin off a message (it stays on the timeline)"))
                // The confirmations went to the incident's thread, not the channel.
                let confirmations = await standIn.messages(in: "C0INCIDENT").filter { $0.text.contains("pinned a message") }
                #expect(confirmations.count == 2 && confirmations.allSatisfy { $0.threadTS != nil })
            }
        }
    }
}
