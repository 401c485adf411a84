import Crypto
import Foundation
import HTTPTypes
import HummingbirdTesting
import IncidentKit
import NIOCore
import Testing

@testable import FirebellServer
@testable import Platforms

/// The message context-menu commands: "Declare incident" from a message, and "Add to timeline".
@Suite("Discord message commands", .timeLimit(.minutes(1)))
struct DiscordMessageCommandTests {
    let discord = DiscordTests()

    /// A message command as Discord sends it: `data.type` 3, the message in `data.resolved.messages`.
    static func messageCommand(_ name: String, message: String, text: String, author: String, by user: String) -> Data {
        let object: [String: Any] = [
            "type": 2, "id": "1", "application_id": "app", "token": "interaction-token", "version": 1,
            "guild_id": "g1", "channel_id": "c1", "member": ["user": ["id": user, "username": user, "global_name": "Carol C."]],
            "data": [
                "id": "9", "name": name, "type": 3, "target_id": message,
                "resolved": [
                    "messages": [
                        message: [
                            "id": message, "channel_id": "c1", "content": text, "timestamp": "2026-12-02T10:58:03.120000+00:00",
                            "author": ["id": author, "username": author],
                        ]
                    ]
                ],
            ],
        ]
        return try! JSONSerialization.data(withJSONObject: object)
    }

    @Test func declareFromAMessageThenAddAnotherToTheTimeline() async throws {
        try await discord.withDiscord(faults: []) { client, firebell, _, key in
            func send(_ body: Data) async throws -> String {
                let response = try await client.execute(
                    uri: "/discord/interactions",
                    method: .post,
                    headers: try discord.signed(body, with: key),
                    body: ByteBuffer(data: body)
                )
                #expect(response.status == .ok)
                let json = try JSONSerialization.jsonObject(with: Data(response.body.readableBytesView)) as? [String: Any]
                let data = json?["data"] as? [String: Any]
                #expect(data?["flags"] as? Int == 64, "only the invoker sees the answer")
                return data?["content"] as? String ?? ""
            }
            let nothingYet = try await send(Self.messageCommand("Add to timeline", message: "m0", text: "hello", author: "u2", by: "u1"))
            #expect(nothingYet.hasPrefix("✗ There is no incident in this channel to add the message to"))

            let report = "Checkout is failing for EU cards\nSeen since 10:55, about 30% of attempts"
            let declared = try await send(Self.messageCommand("Declare incident", message: "m1", text: report, author: "u2", by: "u1"))
            #expect(declared.hasPrefix("✓ Carol C. declared SEV3 “Checkout is failing for EU cards”"), "\(declared)")
            let added = try await send(Self.messageCommand("Add to timeline", message: "m2", text: "Rollback started", author: "u3", by: "u1"))
            #expect(added.hasPrefix("✓ Carol C. pinned a message by @u3 \\(posted 2026-12-02 10:58 UTC\\): Rollback started"), "\(added)")
            #expect(added.hasSuffix("https://discord.com/channels/g1/c1/m2"))
            let again = try await send(Self.messageCommand("Add to timeline", message: "m2", text: "Rollback started", author: "u3", by: "u4"))
            #expect(again == "✗ That message is already on the timeline of INC-2026-0001.")

            let channel = ChannelRef(platform: .discord, workspace: "g1", channel: "c1")
            let state = await firebell.service.state(of: channel)
            let incident = try #require(state.activeIncident)
            #expect(incident.title == "Checkout is failing for EU cards" && incident.severity == .sev3)
            #expect(incident.impact == "Checkout is failing for EU cards / Seen since 10:55, about 30% of attempts")
            #expect(incident.pinnedMessages == ["m1", "m2"], "the declaring message's link is on the timeline too")
            let records = try await firebell.service.records(of: channel)
            guard case .messagePinned(let first) = records[1].event else {
                Issue.record("the declaration's second record is the message")
                return
            }
            #expect(first.link == "https://discord.com/channels/g1/c1/m1" && first.author == UserRef("u2"))
            #expect(first.postedAt == ISOTimestamp.parse("2026-12-02T10:58:03Z"), "the message's own time, in whole seconds as logged")
        }
    }

    @Test func theRegistrationHasBothMessageCommands() throws {
        let registrations = try #require(
            try JSONSerialization.jsonObject(with: Data(DiscordCommandCatalog.registrationJSON.utf8)) as? [[String: Any]]
        )
        let menus = registrations.filter { $0["type"] as? Int == 3 }
        #expect(menus.map { $0["name"] as? String } == ["Add to timeline", "Declare incident"])
        #expect(menus.allSatisfy { $0["description"] as? String == "" }, "message commands have no description")
    }
}

/// On Discord a war room is a public thread of the channel where the incident was declared.
@Suite("Discord war rooms", .timeLimit(.minutes(1)))
struct DiscordWarRoomTests {
    let discord = DiscordTests()

    @Test func aSEV1RunsInAThreadOfTheChannel() async throws {
        try await discord.withDiscord(faults: [], warRooms: true) { client, firebell, standIn, key in
            let body = DiscordTests.interaction("declare", ["severity": "sev1", "title": "Checkout down"], user: "u1")
            let response = try await client.execute(
                uri: "/discord/interactions",
                method: .post,
                headers: try discord.signed(body, with: key),
                body: ByteBuffer(data: body)
            )
            #expect(response.status == .ok)
            #expect(await firebell.outbox.flush(timeout: .seconds(30)))
            let calls = await standIn.calls
            let thread = try #require(calls.first { $0.method == "POST" && $0.path == "/api/v10/channels/c1/threads" })
            #expect(thread.json["name"] as? String == "inc-2026-0001-checkout-down" && thread.json["type"] as? Int == 11)
            let threadID = try #require(
                calls.compactMap { call -> String? in
                    guard call.method == "PUT", call.path.hasSuffix("/thread-members/u1") else { return nil }
                    return call.path.split(separator: "/")[3].description
                }.first,
                "the declarer is added to the thread"
            )
            #expect(
                calls.contains {
                    $0.path == "/api/v10/channels/\(threadID)/messages" && ($0.json["content"] as? String)?.contains("Initial Alert") == true
                }
            )
            #expect(
                calls.contains {
                    $0.path == "/api/v10/channels/c1/messages"
                        && ($0.json["content"] as? String)?.contains("runs in its own channel: <#\(threadID)>") == true
                }
            )
            let room = ChannelRef(platform: .discord, workspace: "g1", channel: threadID)
            #expect(await firebell.service.state(of: room).activeIncident?.title == "Checkout down")
        }
    }
}
