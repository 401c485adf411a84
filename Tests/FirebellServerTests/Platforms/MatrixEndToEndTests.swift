import AsyncHTTPClient
import Foundation
import Hummingbird
import HummingbirdTesting
import IncidentKit
import NIOCore
import Platforms
import Testing

@testable import FirebellServer

@Suite("Matrix against a real Synapse", .serialized, .timeLimit(.minutes(3)))
struct MatrixEndToEndTests {
    /// The console scenario as typed in a Matrix room; `carol` is played by bob, people by their Matrix ids.
    static func scenario() -> [(speaker: String, body: String)] {
        ConsoleScenarioTests.scenario.enumerated().map { index, line in
            let speaker = line.hasPrefix("@alice: ") ? "alice" : "bob"
            var body = line.replacingOccurrences(of: "@alice: ", with: "")
            body = body.replacingOccurrences(of: "@alice", with: "@alice:localhost").replacingOccurrences(of: "@bob", with: "@bob:localhost")
            // Both spellings work; the bang form is the Matrix custom (a leading slash is a client command in Element).
            if index % 2 == 0 { body = "!" + body.dropFirst() }
            return (speaker, body)
        }
    }

    @Test(.enabled(if: SynapseHomeserver.unavailable == nil, "skipped: Python or the package index is unreachable, so Synapse cannot be installed"))
    func theConsoleScenarioInARoom() async throws {
        let synapse = try await SynapseHomeserver.start()
        defer { synapse.stop() }
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        try await withHTTPClient { httpClient in
            try await run(synapse, folder: folder, httpClient: httpClient)
        }
    }

    private func run(_ synapse: SynapseHomeserver, folder: TemporaryFolder, httpClient: HTTPClient) async throws {
        try await synapse.waitUntilUp(httpClient)
        for user in ["firebell", "alice", "bob"] { try await synapse.register(user, password: "pw-\(user)") }
        let alice = try await MatrixPerson.login("alice", password: "pw-alice", homeserver: synapse.url, client: httpClient)
        let bob = try await MatrixPerson.login("bob", password: "pw-bob", homeserver: synapse.url, client: httpClient)
        let created = try await alice.call(
            .POST,
            "/_matrix/client/v3/createRoom",
            ["preset": "private_chat", "name": "incident", "invite": ["@bob:localhost", "@firebell:localhost"]]
        )
        let room = try #require(created["room_id"] as? String)
        let roomPath = MatrixPerson.path(room)
        _ = try await bob.call(.POST, "/_matrix/client/v3/rooms/\(roomPath)/join", [:])
        // Alice sets a display name; Bob keeps Synapse's default (his user name).
        _ = try await alice.call(
            .PUT,
            "/_matrix/client/v3/profile/\(MatrixPerson.path("@alice:localhost"))/displayname",
            ["displayname": "Alice Liddell"]
        )

        let settings = try ServeSettings(environment: [
            "MATRIX_HOMESERVER_URL": synapse.url, "MATRIX_USER": "firebell", "MATRIX_PASSWORD": "pw-firebell",
        ])
        let policy = quickDelivery()
        // The scenario's SEV2 runs in the room; a SEV1 gets a room of its own.
        var configuration = FirebellConfiguration(dataDirectory: folder.url)
        configuration.engine.warRooms.severities = [.sev1]
        let firebell = try FirebellApplication(
            configuration: configuration,
            settings: settings,
            httpClient: httpClient,
            deliveryPolicy: policy,
            logger: quietLogger()
        )
        try await firebell.application(port: 0).test(.live) { _ in
            try await eventually("the bot joins the room it was invited to") {
                let members = try await alice.call(.GET, "/_matrix/client/v3/rooms/\(roomPath)/joined_members")
                return (members["joined"] as? [String: Any])?["@firebell:localhost"] != nil
            }
            // A notice is never acted on, even if it looks like a command.
            _ = try await alice.call(
                .PUT,
                "/_matrix/client/v3/rooms/\(roomPath)/send/m.room.message/notice-1",
                ["msgtype": "m.notice", "body": "!incident declare sev1 Not a command"]
            )
            for (index, line) in Self.scenario().enumerated() {
                let person = line.speaker == "alice" ? alice : bob
                _ = try await person.call(
                    .PUT,
                    "/_matrix/client/v3/rooms/\(roomPath)/send/m.room.message/t\(index)",
                    ["msgtype": "m.text", "body": line.body]
                )
                // Responders wait for the bot's answer before the next command, as people do.
                try await eventually("an answer to: \(line.body)") { try await notices(alice, roomPath).count > index }
            }
            try await eventually("the timeline reply") {
                try await notices(alice, roomPath).contains { ($0["body"] as? String)?.contains("Timeline of INC-2026-0001") == true }
            }
            let all = try await notices(alice, roomPath)
            #expect(all.allSatisfy { $0["msgtype"] as? String == "m.notice" && $0["format"] as? String == "org.matrix.custom.html" })
            let bodies = all.compactMap { $0["body"] as? String }
            let alerts = bodies.filter { $0.hasPrefix("🚨 Initial Alert") }
            #expect(alerts.count == 1, "one Initial Alert, edited in place, never reposted: \(bodies)")
            let alert = fields(try #require(alerts.first))
            #expect(alert["Incident"] == "Checkout returns 500s (INC-2026-0001)")
            #expect(alert["Severity"] == "SEV2 (High)" && alert["Impact"] == "30% of card payments fail")
            let html = try #require(all.first { ($0["body"] as? String)?.hasPrefix("🚨 Initial Alert") == true }?["formatted_body"] as? String)
            #expect(html.contains("<b>Severity:</b> SEV2 (High)<br>"))
            let update = fields(try #require(bodies.first { $0.contains("Status Update") }))
            #expect(update["Update"] == "Rolled back release 2026.11.3, error rate falling")
            let resolution = try #require(bodies.first { $0.contains("Resolution") })
            #expect(fields(resolution)["Root Cause"] == "release 2026.11.3 shipped an untested config change")
            #expect(resolution.contains("1. Add integration test for the payment flow (owner bob, due 2026-12-15)"), "people by their display names")
            #expect(
                bodies.contains {
                    $0.hasSuffix("✓ Alice Liddell resolved the incident (root cause: release 2026.11.3 shipped an untested config change)")
                }
            )
            #expect(bodies.contains { $0.contains("Timeline of INC-2026-0001") && $0.contains("bob made Alice Liddell Incident Commander") })
            #expect(bodies.contains { $0.hasPrefix("@bob:localhost: Timeline of INC-2026-0001") }, "views are addressed to whoever asked")
            let edits = try await events(alice, roomPath).filter {
                (($0["content"] as? [String: Any])?["m.relates_to"] as? [String: Any])?["rel_type"] as? String == "m.replace"
            }
            #expect(!edits.isEmpty, "the headline is edited with m.replace")
            let state = await firebell.service.state(of: ChannelRef(platform: .matrix, workspace: "default", channel: room))
            #expect(state.incidents.count == 1, "the m.notice did not declare anything")
            #expect(state.latestIncident?.status == .resolved && state.latestIncident?.roles[.ic] == UserRef("alice:localhost"))
            #expect(FileManager.default.fileExists(atPath: folder.url.appendingPathComponent("matrix/sync.json").path), "the since token is kept")

            // A 📌 reaction (m.annotation) puts a message on the timeline; redacting it records that the pin came off.
            let channel = ChannelRef(platform: .matrix, workspace: "default", channel: room)
            let said = try await bob.call(
                .PUT,
                "/_matrix/client/v3/rooms/\(roomPath)/send/m.room.message/said-1",
                ["msgtype": "m.text", "body": "The config diff shows the retry limit set to 0"]
            )
            let message = try #require(said["event_id"] as? String)
            let thumbs = ["m.relates_to": ["rel_type": "m.annotation", "event_id": message, "key": "👍"]]
            _ = try await alice.call(.PUT, "/_matrix/client/v3/rooms/\(roomPath)/send/m.reaction/r-0", thumbs)
            let pin = ["m.relates_to": ["rel_type": "m.annotation", "event_id": message, "key": "📌"]]
            let reacted = try await alice.call(.PUT, "/_matrix/client/v3/rooms/\(roomPath)/send/m.reaction/r-1", pin)
            let reaction = try #require(reacted["event_id"] as? String)
            try await eventually("the pinned message on the timeline") {
                await firebell.service.state(of: channel).latestIncident?.pinnedMessages == [message]
            }
            _ = try await alice.call(.PUT, "/_matrix/client/v3/rooms/\(roomPath)/redact/\(MatrixPerson.path(reaction))/undo-1", [:])
            try await eventually("the pin taken off") { await firebell.service.state(of: channel).latestIncident?.pinnedMessages == [] }
            let records = try await firebell.service.records(of: channel)
            let pinned = records.compactMap { record -> (UserRef, ChatMessage)? in
                if case .messagePinned(let message) = record.event { (record.actor, message) } else { nil }
            }
            #expect(pinned.count == 1, "the 👍 pinned nothing")
            #expect(pinned.first?.0 == UserRef("alice:localhost") && pinned.first?.1.author == UserRef("bob:localhost"))
            #expect(pinned.first?.1.text == "The config diff shows the retry limit set to 0")
            #expect(pinned.first?.1.link == "https://matrix.to/#/%21\(room.dropFirst())/%24\(message.dropFirst())")
            #expect(records.last?.event == .messageUnpinned(messageID: message), "the message stays; the unpinning is recorded")

            // A SEV1 declared here gets a room of its own: created with its alias, the declarer invited, the topic set,
            // the Initial Alert there and the link here.
            _ = try await alice.call(
                .PUT,
                "/_matrix/client/v3/rooms/\(roomPath)/send/m.room.message/war-1",
                ["msgtype": "m.text", "body": "!incident declare sev1 Database failover"]
            )
            let alias = MatrixPerson.path("#inc-2026-0002-database-failover:localhost")
            var warRoom = ""
            try await eventually("the war room exists") {
                let resolved = try? await alice.call(.GET, "/_matrix/client/v3/directory/room/\(alias)")
                warRoom = resolved?["room_id"] as? String ?? ""
                return !warRoom.isEmpty
            }
            let warPath = MatrixPerson.path(warRoom)
            try await eventually("alice is invited and joins") {
                (try? await alice.call(.POST, "/_matrix/client/v3/rooms/\(warPath)/join", [:]))?["room_id"] != nil
            }
            try await eventually("the Initial Alert in the war room") {
                try await notices(alice, warPath).contains { ($0["body"] as? String)?.hasPrefix("🚨 Initial Alert") == true }
            }
            let topic = try await alice.call(.GET, "/_matrix/client/v3/rooms/\(warPath)/state/m.room.topic")
            #expect(topic["topic"] as? String == "SEV1 · Investigating · no IC yet · INC-2026-0002 Database failover")
            try await eventually("the link where it was declared") {
                try await notices(alice, roomPath).contains {
                    ($0["formatted_body"] as? String)?.contains("runs in its own channel: <a href=\"https://matrix.to/#/") == true
                }
            }
            let warState = await firebell.service.state(of: ChannelRef(platform: .matrix, workspace: "default", channel: warRoom))
            #expect(warState.activeIncident?.id.description == "INC-2026-0002" && warState.activeIncident?.declaredBy == UserRef("alice:localhost"))
        }
    }

    private func events(_ person: MatrixPerson, _ room: String) async throws -> [[String: Any]] {
        let page = try await person.call(.GET, "/_matrix/client/v3/rooms/\(room)/messages?dir=b&limit=200")
        return (page["chunk"] as? [[String: Any]] ?? []).reversed()
    }

    /// The bot's notices in the room, oldest first, without edits.
    private func notices(_ person: MatrixPerson, _ room: String) async throws -> [[String: Any]] {
        try await events(person, room).filter { $0["sender"] as? String == "@firebell:localhost" && $0["type"] as? String == "m.room.message" }
            .compactMap { $0["content"] as? [String: Any] }
            .filter { ($0["m.relates_to"] as? [String: Any])?["rel_type"] as? String != "m.replace" }
    }
}
