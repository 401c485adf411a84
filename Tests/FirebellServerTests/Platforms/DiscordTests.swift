import AsyncHTTPClient
import Crypto
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import IncidentKit
import NIOCore
import Testing

@testable import FirebellServer
@testable import Platforms

@Suite("Discord", .timeLimit(.minutes(1)))
struct DiscordTests {
    static func hex(_ text: String) -> Data { DiscordVerifierVectors.hex(text) }

    @Test(arguments: DiscordVerifierVectors.rfc8032)
    func rfc8032Vectors(publicKey: String, message: String, signature: String) throws {
        let verifier = try #require(DiscordVerifier(publicKeyHex: publicKey))
        // RFC 8032 signs the message alone; Discord's timestamp prefix is empty here.
        #expect(verifier.isValid(body: Self.hex(message), timestamp: "", signature: signature, now: nil))
        var tampered = Self.hex(message)
        tampered.append(0)
        #expect(!verifier.isValid(body: tampered, timestamp: "", signature: signature, now: nil))
    }

    @Test func discordShapedVectors() throws {
        let verifier = try #require(DiscordVerifier(publicKeyHex: "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a"))
        let ping = Data(#"{"type":1}"#.utf8)
        let pingSignature =
            "1695961a47c91a1ec033b819b7e87e3dbc583dd0cee6d1fd0216f58ac87b6228ae531ddbf91fb7bc28d7edf7f08604da16f54624f38a6bc0614e4dc13cd47f0f"
        #expect(verifier.isValid(body: ping, timestamp: "1700000000", signature: pingSignature, now: nil))
        #expect(!verifier.isValid(body: Data(#"{"type":1} "#.utf8), timestamp: "1700000000", signature: pingSignature, now: nil))
        #expect(!verifier.isValid(body: ping, timestamp: "1700000001", signature: pingSignature, now: nil))
        let command = Data(
            #"{"application_id":"123","id":"456","token":"tok","type":2,"version":1,"data":{"id":"789","name":"incident","type":1,"options":[{"name":"declare","type":1,"options":[{"name":"severity","type":3,"value":"sev1"}]}]}}"#
                .utf8
        )
        #expect(
            verifier.isValid(
                body: command,
                timestamp: "1700000000",
                signature:
                    "effe2ed9731b7c355152a9fd210daa7ad10326b8b4a06c9d928467212eadd4afdc1955fc56da73eda60f6575b01f483de532c763b13ee25702cafc8229271c03",
                now: nil
            )
        )
        #expect(
            !verifier.isValid(body: ping, timestamp: "1700000000", signature: pingSignature, now: Date(timeIntervalSince1970: 1_700_000_301)),
            "older than 5 minutes"
        )
        #expect(DiscordInteraction(json: command)?.kind == .command(arguments: "declare sev1"))
    }

    /// The console scenario as Discord sends it: subcommands with options.
    static var scenario: [(String, [String: Any], String)] {
        [
            ("declare", ["severity": "sev2", "title": "Checkout returns 500s", "impact": "30% of card payments fail"], "carol"),
            ("role", ["role": "ic", "user": "alice"], "carol"),
            ("ack", [:], "carol"),
            ("status", ["status": "mitigating"], "carol"),
            ("update", ["text": "Rolled back release 2026.11.3, error rate falling", "next": "30m", "eta": "45m"], "carol"),
            ("note", ["text": "Error rate back under 1%"], "carol"),
            ("mitigated", ["text": "Rollback complete"], "carol"),
            ("action/add", ["text": "Add integration test for the payment flow", "owner": "bob", "due": "2026-12-15"], "carol"),
            ("resolve", ["root_cause": "release 2026.11.3 shipped an untested config change"], "alice"),
            ("show/timeline", [:], "carol"),
        ]
    }

    static func interaction(_ path: String, _ values: [String: Any], user: String) -> Data {
        let options = values.map { ["name": $0.key, "type": 3, "value": $0.value] as [String: Any] }
        let parts = path.split(separator: "/").map(String.init)
        var subcommand: [String: Any] = ["name": parts.last!, "type": 1, "options": options]
        if parts.count == 2 { subcommand = ["name": parts[0], "type": 2, "options": [subcommand]] }
        let object: [String: Any] = [
            "type": 2, "id": "1", "application_id": "app", "token": "interaction-token", "version": 1,
            "guild_id": "g1", "channel_id": "c1", "member": ["user": ["id": user, "username": user]],
            "data": ["id": "9", "name": "incident", "type": 1, "options": [subcommand]],
        ]
        return try! JSONSerialization.data(withJSONObject: object)
    }

    static let rateLimited: (HTTPResponse.Status, [String: String], String) =
        (.tooManyRequests, ["Retry-After": "0.2"], #"{"message":"You are being rate limited.","retry_after":0.2,"global":false}"#)

    func withDiscord(
        deferring: Bool = false,
        faults: [(HTTPResponse.Status, [String: String], String)] = [Self.rateLimited],
        warRooms: Bool = false,
        _ body: @Sendable (any TestClientProtocol, FirebellApplication, RESTStandIn, Curve25519.Signing.PrivateKey) async throws -> Void
    ) async throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let key = Curve25519.Signing.PrivateKey()
        let standIn = RESTStandIn(faults: faults) { _, _, number in
            (.ok, #"{"id":"m\#(number)"}"#)
        }
        try await standIn.application().test(.live) { standInClient in
            let environment = [
                "DISCORD_PUBLIC_KEY": key.publicKey.rawRepresentation.map { String(format: "%02x", $0) }.joined(),
                "DISCORD_APPLICATION_ID": "app", "DISCORD_BOT_TOKEN": "bot-token",
                "DISCORD_API_URL": "http://127.0.0.1:\(standInClient.port!)/api/v10",
            ]
            let policy = quickDelivery()
            try await withHTTPClient { httpClient in
                var settings = try ServeSettings(environment: environment)
                // Deferring tests defer every answer; the others answer inline however busy the machine running the
                // suite is (the 2 s default is for Discord's 3 s limit, not for a test).
                settings[DiscordSettings.self]?.deferAfter = deferring ? .zero : .seconds(60)
                let firebell = try FirebellApplication(
                    configuration: warRooms ? FirebellConfiguration(dataDirectory: folder.url) : FirebellConfiguration.inPlace(folder.url),
                    settings: settings,
                    httpClient: httpClient,
                    deliveryPolicy: policy,
                    logger: quietLogger()
                )
                let configured = firebell
                try await configured.application(port: 0).test(.router) { client in try await body(client, configured, standIn, key) }
            }
        }
    }

    func signed(_ body: Data, with key: Curve25519.Signing.PrivateKey, at date: Date = Date()) throws -> HTTPFields {
        let timestamp = String(Int(date.timeIntervalSince1970))
        var message = Data(timestamp.utf8)
        message.append(body)
        let signature = try key.signature(for: message).map { String(format: "%02x", $0) }.joined()
        return [.contentType: "application/json", .discordSignature: signature, .discordTimestamp: timestamp]
    }

    @Test func pingAndBadSignatures() async throws {
        try await withDiscord { client, firebell, _, key in
            let ping = Data(#"{"type":1}"#.utf8)
            let pong = try await client.execute(
                uri: "/discord/interactions",
                method: .post,
                headers: try signed(ping, with: key),
                body: ByteBuffer(data: ping)
            )
            #expect(pong.status == .ok && String(buffer: pong.body) == #"{"type":1}"#)
            var forged = try signed(ping, with: Curve25519.Signing.PrivateKey())
            #expect(
                try await client.execute(uri: "/discord/interactions", method: .post, headers: forged, body: ByteBuffer(data: ping)).status
                    == .unauthorized
            )
            forged = try signed(ping, with: key, at: Date().addingTimeInterval(-600))
            #expect(
                try await client.execute(uri: "/discord/interactions", method: .post, headers: forged, body: ByteBuffer(data: ping)).status
                    == .unauthorized
            )
            let declare = Self.interaction("declare", ["severity": "sev1", "title": "Down"], user: "carol")
            var replayed = try signed(ping, with: key)
            replayed[.contentType] = "application/json"
            #expect(
                try await client.execute(uri: "/discord/interactions", method: .post, headers: replayed, body: ByteBuffer(data: declare)).status
                    == .unauthorized,
                "a signature for another body"
            )
            #expect(firebell.service.channels.isEmpty)
        }
    }

    @Test func theConsoleScenarioWordForWord() async throws {
        try await withDiscord { client, firebell, standIn, key in
            var replies: [[String: Any]] = []
            for (path, values, user) in Self.scenario {
                let body = Self.interaction(path, values, user: user)
                let response = try await client.execute(
                    uri: "/discord/interactions",
                    method: .post,
                    headers: try signed(body, with: key),
                    body: ByteBuffer(data: body)
                )
                #expect(response.status == .ok)
                replies.append(try JSONSerialization.jsonObject(with: Data(buffer: response.body)) as! [String: Any])
            }
            #expect(replies.allSatisfy { $0["type"] as? Int == 4 && ($0["data"] as? [String: Any])?["flags"] as? Int == 64 }, "inline and ephemeral")
            let texts = replies.map { ($0["data"] as? [String: Any])?["content"] as? String ?? "" }
            #expect(texts.dropLast().allSatisfy { $0.hasPrefix("✓") }, "\(texts)")
            #expect(unmarked(texts.last!).hasPrefix("Timeline of INC-2026-0001"))
            #expect(await firebell.outbox.flush(timeout: .seconds(20)))
            let calls = await standIn.calls
            #expect(calls.allSatisfy { $0.authorization == "Bot bot-token" && $0.userAgent?.hasPrefix("DiscordBot (") == true })
            let posts = calls.filter { $0.method == "POST" && $0.path == "/api/v10/channels/c1/messages" }
            let contents = posts.map { unmarked($0.json["content"] as? String ?? "") }
            let alert = fields(try #require(contents.first { $0.contains("Initial Alert") }))
            #expect(alert["Severity"] == "SEV2 (High)" && alert["Impact"] == "30% of card payments fail")
            #expect(fields(try #require(contents.first { $0.contains("Status Update") }))["Next Update"] != nil)
            let resolution = try #require(contents.first { $0.contains("Resolution") })
            #expect(fields(resolution)["Root Cause"] == "release 2026.11.3 shipped an untested config change")
            #expect(resolution.contains("1. Add integration test for the payment flow (owner @bob, due 2026-12-15)"))
            // Only the people Firebell itself mentions may be pinged (by id); no kind of mention is parsed from text.
            #expect(posts.allSatisfy { ($0.json["allowed_mentions"] as? [String: Any])?["parse"] as? [String] == [] })
            let edits = calls.filter { $0.method == "PATCH" }
            #expect(
                !edits.isEmpty && edits.allSatisfy { $0.path == "/api/v10/channels/c1/messages/m2" },
                "the headline is edited (the 1st call was a 429)"
            )
            let incident = await firebell.service.state(of: ChannelRef(platform: .discord, workspace: "g1", channel: "c1")).latestIncident
            #expect(incident?.roles[.ic] == UserRef("alice") && incident?.status == .resolved)
        }
    }

    @Test func anEmptiedRateLimitBucketHoldsTheChannelsNextMessageUntilItRefills() async throws {
        // Discord's headers on a successful create: one request left of five… none left, refills in 0.6 s.
        let emptied: [String: String] = [
            "X-RateLimit-Limit": "5", "X-RateLimit-Remaining": "0", "X-RateLimit-Reset-After": "0.6",
            "X-RateLimit-Bucket": "abcd1234",
        ]
        try await withDiscord(faults: [(.ok, emptied, #"{"id":"m1"}"#)]) { client, firebell, standIn, key in
            for (path, values, user) in Self.scenario.prefix(2) {
                let body = Self.interaction(path, values, user: user)
                let response = try await client.execute(
                    uri: "/discord/interactions",
                    method: .post,
                    headers: try signed(body, with: key),
                    body: ByteBuffer(data: body)
                )
                #expect(response.status == .ok)
            }
            #expect(await firebell.outbox.flush(timeout: .seconds(20)))
            let calls = await standIn.calls
            #expect(calls.count >= 2)
            // Without the headers the next message would follow after the 5 ms pacing interval.
            #expect(calls[1].at - calls[0].at >= .milliseconds(600), "the second message waited for the bucket to refill")
        }
    }

    @Test func aSlowAnswerIsDeferredAndFollowedUpThroughTheInteractionWebhook() async throws {
        try await withDiscord(deferring: true) { client, firebell, standIn, key in
            let body = Self.interaction("declare", ["severity": "sev2", "title": "Checkout returns 500s"], user: "carol")
            let response = try await client.execute(
                uri: "/discord/interactions",
                method: .post,
                headers: try signed(body, with: key),
                body: ByteBuffer(data: body)
            )
            let json = try JSONSerialization.jsonObject(with: Data(buffer: response.body)) as? [String: Any]
            #expect(json?["type"] as? Int == 5 && (json?["data"] as? [String: Any])?["flags"] as? Int == 64)
            #expect(await firebell.outbox.flush(timeout: .seconds(30)))
            var followUp: RESTStandIn.Call?
            for _ in 0..<100 where followUp == nil {
                followUp = await standIn.calls.first { $0.path == "/api/v10/webhooks/app/interaction-token/messages/@original" }
                if followUp == nil { try await Task.sleep(for: .milliseconds(20)) }
            }
            let edit = try #require(followUp, "the deferred answer is sent")
            #expect(edit.method == "PATCH" && edit.authorization == nil, "interaction webhooks take no bot token")
            #expect((edit.json["content"] as? String)?.hasPrefix("✓") == true)
        }
    }

    static func characters(in value: Any) -> Int {
        switch value {
        case let object as [String: Any]:
            return object.reduce(0) { total, entry in
                total + (["name", "description", "value"].contains(entry.key) ? "\(entry.value)".count : characters(in: entry.value))
            }
        case let list as [Any]: return list.reduce(0) { $0 + characters(in: $1) }
        default: return 0
        }
    }

    @Test func theRegistrationPayloadMatchesTheParser() throws {
        let file = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("commands/discord-commands.json")
        #expect(
            try String(contentsOf: file, encoding: .utf8) == DiscordCommandCatalog.registrationJSON,
            "regenerate with: firebell commands discord > commands/discord-commands.json"
        )
        let registration = try #require(
            try JSONSerialization.jsonObject(with: JSONEncoder().encode(DiscordCommandCatalog.registration)) as? [String: Any]
        )
        let command = try #require(registration["options"] as? [[String: Any]])
        #expect(command.count <= 25, "Discord's limit of 25 subcommands and groups")
        #expect(
            Self.characters(in: registration) <= 8000,
            "Discord's limit of 8,000 characters of names, descriptions and values"
        )
        var reachable = Set(command.compactMap { $0["name"] as? String })
        reachable.formUnion(DiscordCommandCatalog.views)
        #expect(reachable.subtracting(["show"]) == Set(VerbCatalog.verbs.map(\.name)), "every verb is reachable")
        // Every subcommand, filled with plausible values, parses with the command parser.
        for verb in command {
            let subs = (verb["type"] as? Int == 2) ? (verb["options"] as! [[String: Any]]).map { ($0, verb["name"] as! String) } : [(verb, nil)]
            for (sub, group) in subs {
                let options = (sub["options"] as? [[String: Any]] ?? []).filter { $0["required"] as? Bool == true }.map { option -> [String: Any] in
                    let choices = option["choices"] as? [[String: String]]
                    let value: Any =
                        choices?.first?["value"] ?? [4: 2, 6: "alice"][option["type"] as! Int]
                        ?? DiscordVerifierVectors.sample(option["name"] as! String)
                    return ["name": option["name"]!, "type": option["type"]!, "value": value]
                }
                var subcommand: [String: Any] = ["name": sub["name"]!, "type": 1, "options": options]
                if let group { subcommand = ["name": group, "type": 2, "options": [subcommand]] }
                let data = try JSONSerialization.data(withJSONObject: [
                    "type": 2, "id": "1", "application_id": "a", "token": "t", "channel_id": "c",
                    "user": ["id": "u"], "data": ["name": "incident", "options": [subcommand]],
                ])
                guard case .command(let arguments) = DiscordInteraction(json: data)?.kind else {
                    Issue.record("\(sub["name"]!) not mapped")
                    continue
                }
                #expect(throws: Never.self, "\(arguments)") { try CommandParser.parse(arguments: arguments) }
            }
        }
    }
}

/// RFC 8032 §7.1 test vectors, and plausible option values.
enum DiscordVerifierVectors {
    static let rfc8032: [(String, String, String)] = [
        (
            "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a", "",
            "e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b"
        ),
        (
            "3d4017c3e843895a92b70aa74d1b7ebc9c982ccf2ec4968cc0cd55f12af4660c", "72",
            "92a009a9f0d4cab8720e820b5f642540a2b27b5416503f8fb3762223ebdb69da085ac1e43e15996e458f3613d0f11d8c387b2eaeb4302aeeb00d291612bb0c00"
        ),
        (
            "fc51cd8e6218a1a38da47ed00230f0580816ed13ba3303ac5deb911548908025", "af82",
            "6291d657deec24024827e69c3abe01a30ce548a284743a445e3680d7db5ac3ac18ff9b538d16f290ae67f760984dc6594a7c15e9716ed28dc027beceea1ec40a"
        ),
    ]

    static func hex(_ text: String) -> Data { Data(Hex.bytes(text)!) }

    static func sample(_ name: String) -> String {
        ["due": "2030-01-01", "incident": "INC-2026-0007", "duration": "30m", "setting": "10m", "systems": "api"][name] ?? "text"
    }
}
