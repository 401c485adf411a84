import Foundation
import HTTPTypes
import HummingbirdTesting
import IncidentKit
import NIOCore
import Platforms
import Testing

@testable import FirebellServer

/// A SEV1 declared in #incidents on Slack lives in its own new channel with the responders in it: the exact Web API
/// calls, a name clash, a redelivered and a repeated declaration, invites and topic as the incident changes, and the
/// archive seven days after resolution on a manual clock.
@Suite("Slack war rooms", .timeLimit(.minutes(1)))
struct SlackWarRoomTests {
    let serve = SlackServeTests()
    let events = SlackEventsTests()

    @Test func aSEV1GetsItsOwnChannelWithItsPeopleTopicAndArchive() async throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let standIn = SlackStandIn()
        // Someone already made a channel with the name Firebell will want.
        await standIn.existingChannel("inc-2026-0001-checkout-down", by: "UHUMAN")
        // Now, as Slack's signatures are checked against the service's clock (the replay window).
        let clock = ManualWallClock(Date(timeIntervalSince1970: Date().timeIntervalSince1970.rounded(.down)))
        try await standIn.application().test(.live) { standInClient in
            try await serve.withFirebell(
                standInPort: standInClient.port!,
                folder: folder,
                configuration: FirebellConfiguration(dataDirectory: folder.url),
                clock: clock
            ) { client, firebell in
                func slash(_ text: String, in channel: String = "C0INCIDENT", as user: String = "UCAROL") async throws -> String {
                    let body = serve.form(text, user: user, channel: channel)
                    let response = try await client.execute(
                        uri: "/slack/commands",
                        method: .post,
                        headers: serve.signed(body),
                        body: ByteBuffer(string: body)
                    )
                    return try serve.ephemeralText(response)
                }
                // Declared by a mention; Slack delivers the event again: still one channel.
                let declare = events.mention("declare sev1 Checkout down impact: card payments fail", eventID: "EvDeclare")
                for retry in [nil, "1"] {
                    let response = try await client.execute(
                        uri: "/slack/events",
                        method: .post,
                        headers: events.jsonHeaders(declare, retry: retry),
                        body: ByteBuffer(string: declare)
                    )
                    #expect(response.status == .ok)
                }
                #expect(await firebell.outbox.flush(timeout: .seconds(30)))
                let room = try #require(await standIn.channels.first { $0.creator == SlackStandIn.botUserID })
                #expect(room.name == "inc-2026-0001-checkout-down-2", "the clash got a suffix")
                #expect(room.members == [SlackStandIn.botUserID, "UCAROL"], "the declarer is invited")
                #expect(room.topic == "SEV1 · Investigating · no IC yet · INC-2026-0001 Checkout down")
                let calls = await standIn.calls.map(\.method)
                #expect(
                    Array(calls.prefix(5)) == [
                        "chat.postMessage", "conversations.create", "auth.test", "conversations.list", "conversations.create",
                    ],
                    "#incidents hears of it; a clash with a channel the bot did not make: the next name"
                )
                let alert = await standIn.shown(in: room.id)
                #expect(alert.first?.contains("*Incident:* Checkout down (INC-2026-0001)") == true, "the Initial Alert runs in the war room")
                let link = await standIn.shown(in: "C0INCIDENT")
                #expect(
                    link == [
                        "INC-2026-0001: @UCAROL declared SEV1 “Checkout down”; it gets a channel of its own: #inc-2026-0001-checkout-down",
                        "🚨 INC-2026-0001 (SEV1: Checkout down) runs in its own channel: <#\(room.id)>. Join it there.",
                    ]
                )
                let roomRef = ChannelRef(platform: .slack, workspace: "T0TEAM", channel: room.id)
                #expect(await firebell.service.state(of: roomRef).activeIncident?.declaredBy == UserRef("UCAROL"))
                #expect(
                    await firebell.service.state(of: ChannelRef(platform: .slack, workspace: "T0TEAM", channel: "C0INCIDENT")).activeIncident == nil
                )

                // Typed again by someone else: pointed to the room, no second channel.
                let again = try await slash("declare sev1 checkout down", as: "UDANA")
                #expect(again.hasPrefix("✗ INC-2026-0001 (SEV1, \"Checkout down\") was declared here at"), "\(again)")
                #expect(again.contains("runs in #inc-2026-0001-checkout-down-2"))

                // In the war room: the IC is brought in and named in the topic.
                #expect(try await slash("role ic <@UALICE|alice>", in: room.id).hasPrefix("✓"))
                #expect(try await slash("resolve root cause: expired certificate", in: room.id, as: "UALICE").hasPrefix("✓"))
                #expect(await firebell.outbox.flush(timeout: .seconds(30)))
                var now = await standIn.channels.first { $0.id == room.id }
                #expect(now?.members.contains("UALICE") == true)
                #expect(now?.topic == "SEV1 · Resolved · IC x · INC-2026-0001 Checkout down", "the IC by the name they go by (x in this form)")
                #expect(now?.archived == false)

                // Seven days after resolution, on the manual clock: archived, once. (No request is signed from here on.)
                clock.advance(by: 7 * 86400 - 60)
                _ = await firebell.service.fireDueTimers(now: clock.now())
                #expect(await firebell.outbox.flush(timeout: .seconds(30)))
                #expect(await standIn.channels.first { $0.id == room.id }?.archived == false, "not a minute early")
                clock.advance(by: 60)
                _ = await firebell.service.fireDueTimers(now: clock.now())
                #expect(await firebell.outbox.flush(timeout: .seconds(30)))
                now = await standIn.channels.first { $0.id == room.id }
                #expect(now?.archived == true)
                #expect(await standIn.calls.filter { $0.method == "conversations.archive" }.count == 1)
                #expect(await standIn.calls.filter { $0.method == "conversations.create" }.count == 2, "one channel, after one clash")
            }
        }
    }
}
