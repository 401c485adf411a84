import AsyncHTTPClient
import CryptoExtras
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import IncidentKit
import JWTKit
import NIOCore
import Testing

@testable import FirebellServer
@testable import Platforms

/// Microsoft Teams end to end against loopback stand-ins for the Bot Framework's keys, the token endpoint and the
/// Bot Connector: the console scenario word for word, every bad token refused with 401 and no effect, card buttons
/// answered in the HTTP response, and the app manifest equal to the parser.
@Suite("Microsoft Teams", .timeLimit(.minutes(1)))
struct TeamsTests {
    static let conversation = "19:6848757105754c8981c67612732d9aa7@thread.tacv2"
    static let bot = "28:\(TeamsStandIn.appID)"

    /// An activity as Teams posts it: a message in the channel addressed to the bot, or a card's invoke.
    static func activity(
        _ text: String,
        from user: String = "29:carol",
        name: String = "Carol",
        serviceURL: String,
        type: String = "message",
        invoke: (verb: String, incident: String)? = nil,
        id: String = UUID().uuidString
    ) -> String {
        var object: [String: Any] = [
            "type": type, "id": id, "channelId": "msteams", "serviceUrl": serviceURL,
            "from": ["id": user, "name": name, "aadObjectId": "b15a9416-0ad3-4172-9210-7beb711d3f70"],
            "recipient": ["id": bot, "name": "Firebell"],
            "conversation": ["id": "\(conversation);messageid=1759881511856", "conversationType": "channel", "tenantId": TeamsStandIn.tenant],
            "channelData": ["tenant": ["id": TeamsStandIn.tenant], "channel": ["id": conversation]],
        ]
        if let invoke {
            object["name"] = "adaptiveCard/action"
            object["value"] = ["action": ["type": "Action.Execute", "verb": invoke.verb, "data": ["incident": invoke.incident]]]
        } else {
            // `@alice` is typed as Teams sends a mention: `<at>Alice</at>` in the text, with an entity naming her id.
            var entities: [[String: Any]] = [["type": "mention", "text": "<at>Firebell</at>", "mentioned": ["id": bot, "name": "Firebell"]]]
            if text.contains("@alice") {
                entities.append(["type": "mention", "text": "<at>Alice</at>", "mentioned": ["id": "29:alice", "name": "Alice"]])
            }
            object["text"] = "<at>Firebell</at> " + text.replacingOccurrences(of: "@alice", with: "<at>Alice</at>")
            object["entities"] = entities
        }
        return String(decoding: try! JSONSerialization.data(withJSONObject: object), as: UTF8.self)
    }

    func withTeams(
        throttling: Int = 0,
        _ body: @Sendable (any TestClientProtocol, FirebellApplication, TeamsStandIn, String) async throws -> Void
    ) async throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let standIn = try await TeamsStandIn(throttling: throttling)
        try await standIn.application().test(.live) { standInClient in
            let base = "http://127.0.0.1:\(standInClient.port!)"
            let settings = try ServeSettings(environment: [
                "TEAMS_APP_ID": TeamsStandIn.appID, "TEAMS_APP_PASSWORD": TeamsStandIn.appPassword, "TEAMS_TENANT_ID": TeamsStandIn.tenant,
                "TEAMS_OPENID_METADATA_URL": "\(base)/openid", "TEAMS_LOGIN_URL": base,
            ])
            try await withHTTPClient { httpClient in
                let firebell = try FirebellApplication(
                    configuration: FirebellConfiguration.inPlace(folder.url),
                    settings: settings,
                    httpClient: httpClient,
                    deliveryPolicy: quickDelivery(),
                    logger: quietLogger()
                )
                try await firebell.application(port: 0).test(.router) { client in try await body(client, firebell, standIn, base + "/") }
            }
        }
    }

    func send(_ client: any TestClientProtocol, _ activity: String, token: String?) async throws -> TestResponse {
        var headers: HTTPFields = [.contentType: "application/json"]
        if let token { headers[.authorization] = "Bearer \(token)" }
        return try await client.execute(uri: "/teams/messages", method: .post, headers: headers, body: ByteBuffer(string: activity))
    }

    /// Teams markup as a reader sees it.
    static func readable(_ text: String) -> String {
        TeamsCard.plainLines(text).joined(separator: "\n")
    }

    @Test func theConsoleScenarioWordForWord() async throws {
        // Teams throttles the first post: Firebell waits its Retry-After and loses nothing.
        try await withTeams(throttling: 1) { client, firebell, standIn, serviceURL in
            for line in ConsoleScenarioTests.scenario {
                let alice = line.hasPrefix("@alice: ")
                let text = line.replacingOccurrences(of: "@alice: ", with: "").replacingOccurrences(of: "/incident ", with: "incident ")
                let token = try await standIn.token(serviceURL: serviceURL)
                let response = try await send(
                    client,
                    Self.activity(text, from: alice ? "29:alice" : "29:carol", name: alice ? "Alice" : "Carol", serviceURL: serviceURL),
                    token: token
                )
                #expect(response.status == .ok, "\(line)")
            }
            #expect(await firebell.outbox.flush(timeout: .seconds(20)))
            let posts = await standIn.posts
            let throttled = try #require(await standIn.throttledAt.first, "the first post was throttled")
            let retried = try #require(await standIn.activities.first)
            #expect(retried.at - throttled >= .seconds(1), "the retry waited Retry-After")
            #expect(posts.allSatisfy { $0.authorization == "Bearer \(TeamsStandIn.connectorToken)" })
            let form = try #require(await standIn.tokenRequests.first)
            #expect(form["grant_type"] == "client_credentials" && form["client_id"] == TeamsStandIn.appID)
            #expect(form["client_secret"] == TeamsStandIn.appPassword && form["scope"] == "https://api.botframework.com/.default")
            #expect(await standIn.tokenRequests.count == 1, "the token is cached")

            let headline = try #require(posts.first)
            #expect(headline.conversation == Self.conversation, "posted to the channel, not the thread the command came from")
            let alert = fields(try #require(headline.cardText))
            #expect(alert["Severity"] == "SEV2 (High)" && alert["Impact"] == "30% of card payments fail")
            #expect(headline.actions == ["ack", "update", "snooze30"], "the Initial Alert carries the buttons")
            let texts = posts.compactMap(\.text).map(Self.readable)
            let update = fields(try #require(texts.first { $0.contains("Status Update") }))
            #expect(update["Update"] == "Rolled back release 2026.11.3, error rate falling")
            let resolution = fields(try #require(texts.first { $0.contains("Resolution") }))
            #expect(resolution["Root Cause"] == "release 2026.11.3 shipped an untested config change")
            let confirmations = texts.filter { $0.contains("✓") }
            #expect(confirmations.count >= 8, "every command is answered in the conversation: \(texts)")
            let timeline = try #require(texts.last { $0.contains("Timeline of INC-2026-0001") })
            #expect(timeline.hasPrefix("Carol Timeline"), "the view answers the person who asked, by name: \(timeline.prefix(40))")
            #expect(timeline.contains("Carol made Alice Incident Commander"), "people are shown by the names Teams gives them")
            let mentions = try #require(posts.last { $0.text?.contains("Timeline of") == true }?.json["entities"] as? [[String: Any]])
            #expect((mentions.first?["mentioned"] as? [String: String])?["id"] == "29:carol", "as a mention entity")
            let updates = await standIn.updates
            #expect(!updates.isEmpty && updates.allSatisfy { $0.activityID == "1759944781001" }, "the headline is edited in place")
            #expect(updates.last?.actions == [], "the resolved headline has no buttons")
        }
    }

    @Test func everyBadTokenIsRefusedWith401AndChangesNothing() async throws {
        try await withTeams { client, firebell, standIn, serviceURL in
            let declare = Self.activity("incident declare sev1 Down", serviceURL: serviceURL)
            let otherKey = JWTKeyCollection()
            await otherKey.add(
                rsa: try JWTKit.Insecure.RSA.PrivateKey(backing: _RSA.Signing.PrivateKey(keySize: .bits2048)),
                digestAlgorithm: .sha256,
                kid: JWKIdentifier(string: TeamsStandIn.kid)
            )
            let unknownKey = JWTKeyCollection()
            await unknownKey.add(
                rsa: try JWTKit.Insecure.RSA.PrivateKey(backing: _RSA.Signing.PrivateKey(keySize: .bits2048)),
                digestAlgorithm: .sha256,
                kid: JWKIdentifier(string: "not-published")
            )
            let refusals: [(String, String?)] = [
                ("missing token", nil),
                ("not a JWT", "not.a.jwt"),
                ("forged: signed by another key under the published key id", try await standIn.token(serviceURL: serviceURL, keys: otherKey)),
                ("a key Bot Framework never published", try await standIn.token(serviceURL: serviceURL, kid: "not-published", keys: unknownKey)),
                ("wrong audience", try await standIn.token(audience: "another-app", serviceURL: serviceURL)),
                ("wrong issuer", try await standIn.token(issuer: "https://evil.example", serviceURL: serviceURL)),
                ("expired beyond the 5-minute skew", try await standIn.token(expires: Date().addingTimeInterval(-360), serviceURL: serviceURL)),
                ("issued for another service URL", try await standIn.token(serviceURL: "https://smba.trafficmanager.net/amer/")),
            ]
            for (reason, token) in refusals {
                let response = try await send(client, declare, token: token)
                #expect(response.status == .unauthorized, "\(reason)")
            }
            #expect(firebell.service.channels.isEmpty, "nothing was run")
            #expect(await standIn.activities.isEmpty, "nothing was sent")
            #expect(await standIn.keyFetches == 1, "an unknown key id fetches the keys again at most once a minute")

            let late = try await standIn.token(expires: Date().addingTimeInterval(-120), serviceURL: serviceURL)
            #expect(try await send(client, declare, token: late).status == .ok, "within the 5-minute skew")
            #expect(firebell.service.channels.count == 1)
        }
    }

    @Test func cardButtonsRunTheSameCommandsAndAreAnsweredInTheResponse() async throws {
        try await withTeams { client, firebell, standIn, serviceURL in
            let token = try await standIn.token(serviceURL: serviceURL)
            _ = try await send(client, Self.activity("incident declare sev2 Checkout down", serviceURL: serviceURL), token: token)
            let press = try await send(
                client,
                Self.activity("", from: "29:alice", serviceURL: serviceURL, type: "invoke", invoke: ("ack", "INC-2026-0001")),
                token: token
            )
            #expect(press.status == .ok)
            let answer = try JSONSerialization.jsonObject(with: Data(buffer: press.body)) as? [String: Any]
            #expect(answer?["statusCode"] as? Int == 200 && answer?["type"] as? String == "application/vnd.microsoft.activity.message")
            #expect((answer?["value"] as? String)?.contains("acknowledged") == true, "\(answer ?? [:])")
            let channel = ChannelRef(platform: .teams, workspace: TeamsStandIn.tenant, channel: Self.conversation)
            #expect(await firebell.service.state(of: channel).incidents.values.first?.acknowledgedAt != nil)
            let stale = try await send(
                client,
                Self.activity("", serviceURL: serviceURL, type: "invoke", invoke: ("ack", "INC-2020-0001")),
                token: token
            )
            let refusal = try JSONSerialization.jsonObject(with: Data(buffer: stale.body)) as? [String: Any]
            #expect((refusal?["value"] as? String)?.hasPrefix("✗") == true, "a button of another incident changes nothing")
        }
    }

    @Test func postsGoOnlyToServiceURLsAnAuthenticatedActivityPresented() async throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        try await withHTTPClient { client in
            let settings = TeamsSettings(appID: "a", appPassword: "p", tenantID: "t")
            let teams = Teams(
                settings: settings,
                context: PlatformContext(httpClient: client, dataDirectory: folder.url, requestTimeout: .seconds(1), logger: quietLogger())
            )
            let channel = ChannelRef(platform: .teams, workspace: "t", channel: "19:never-seen@thread.tacv2")
            let message = OutboundMessage(
                effect: nil,
                key: "k",
                channel: channel,
                incident: nil,
                text: "hello",
                kind: .post(.channel),
                plannedAt: Date()
            )
            guard case .permanent = await teams.connector.deliver(message) else {
                Issue.record("a conversation no activity came from has no service URL to send to")
                return
            }
        }
    }

    @Test func remindersGoToTheIncidentsThreadAndRepliesMentionTheirPerson() async throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let standIn = try await TeamsStandIn()
        try await standIn.application().test(.live) { standInClient in
            let base = "http://127.0.0.1:\(standInClient.port!)"
            try await withHTTPClient { client in
                var settings = TeamsSettings(appID: TeamsStandIn.appID, appPassword: TeamsStandIn.appPassword, tenantID: TeamsStandIn.tenant)
                settings.loginURL = base
                let teams = Teams(
                    settings: settings,
                    context: PlatformContext(httpClient: client, dataDirectory: folder.url, requestTimeout: .seconds(5), logger: quietLogger())
                )
                try teams.connector.serviceURLs.record(base + "/", for: Self.conversation)
                let channel = ChannelRef(platform: .teams, workspace: TeamsStandIn.tenant, channel: Self.conversation)
                var reminder = OutboundMessage(
                    effect: nil,
                    key: "k1",
                    channel: channel,
                    incident: nil,
                    text: "⏰ <at>29:alice</at> the next update is due",
                    kind: .post(.thread),
                    plannedAt: Date()
                )
                reminder.threadParent = "1759944781001"
                #expect(await teams.connector.deliver(reminder) == .delivered(reference: "1759944781001"))
                let reply = OutboundMessage(
                    effect: nil,
                    key: "k2",
                    channel: channel,
                    incident: nil,
                    text: "✗ Unknown verb",
                    kind: .reply(to: UserRef("29:carol")),
                    plannedAt: Date()
                )
                #expect(await teams.connector.deliver(reply) == .delivered(reference: "1759944781002"))
            }
        }
        let posts = await standIn.posts
        #expect(posts.first?.conversation == "\(Self.conversation);messageid=1759944781001", "a reminder is a reply in the incident's thread")
        let mention = (posts.first?.json["entities"] as? [[String: Any]])?.first
        #expect((mention?["mentioned"] as? [String: String])?["id"] == "29:alice" && mention?["text"] as? String == "<at>29:alice</at>")
        #expect(posts.last?.text == "<at>29:carol</at> ✗ Unknown verb", "an answer starts by mentioning whoever asked")
    }

    @Test func theManifestMatchesTheParser() throws {
        let file = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("commands/teams-manifest.json")
        let shipped = try String(contentsOf: file, encoding: .utf8)
        #expect(shipped == TeamsManifest.json(appID: "<MICROSOFT APP ID>"), "regenerate with: firebell commands teams > commands/teams-manifest.json")
        #expect(TeamsManifest.commands.count == TeamsManifest.menu.count && TeamsManifest.commands.count <= 10)
        for command in TeamsManifest.commands {
            #expect(command.title.count <= 32 && command.description.count <= 128)
            #expect(VerbCatalog.spec(named: command.title) != nil, "\(command.title) is a verb of the parser")
            // What Teams inserts after @Firebell is a verb the parser knows.
            if case .failure(let error) = Result(catching: { try CommandParser.parse(arguments: command.title) }) {
                #expect(!"\(error)".contains("Unknown"), "\(command.title): \(error)")
            }
        }
    }
}

/// The message actions of Teams (a message extension's action commands): "Declare incident" asks the severity in
/// its form; "Add to timeline" puts the message on the timeline. Both answered to whoever used them.
@Suite("Microsoft Teams message actions", .timeLimit(.minutes(1)))
struct TeamsMessageActionTests {
    let teams = TeamsTests()

    static func action(_ command: String, data: [String: String], message id: String, html: String, serviceURL: String) -> String {
        let object: [String: Any] = [
            "type": "invoke", "name": "composeExtension/submitAction", "id": UUID().uuidString, "channelId": "msteams",
            "serviceUrl": serviceURL, "from": ["id": "29:carol", "name": "Carol", "aadObjectId": "b15a9416-0ad3-4172-9210-7beb711d3f70"],
            "recipient": ["id": TeamsTests.bot, "name": "Firebell"],
            "conversation": ["id": "\(TeamsTests.conversation);messageid=\(id)", "conversationType": "channel", "tenantId": TeamsStandIn.tenant],
            "channelData": ["tenant": ["id": TeamsStandIn.tenant], "channel": ["id": TeamsTests.conversation]],
            "value": [
                "commandId": command, "commandContext": "message", "data": data,
                "messagePayload": [
                    "id": id, "body": ["contentType": "html", "content": html], "createdDateTime": "2026-12-02T10:58:03.12Z",
                    "from": ["user": ["id": "8:orgid:dana", "displayName": "Dana"]],
                    "linkToMessage": "https://teams.microsoft.com/l/message/\(TeamsTests.conversation)/\(id)",
                ] as [String: Any],
            ] as [String: Any],
        ]
        return String(decoding: try! JSONSerialization.data(withJSONObject: object), as: UTF8.self)
    }

    @Test func declareWithTheChosenSeverityThenAddAMessage() async throws {
        try await teams.withTeams { client, firebell, standIn, serviceURL in
            func use(_ activity: String) async throws -> String {
                let response = try await teams.send(client, activity, token: try await standIn.token(serviceURL: serviceURL))
                #expect(response.status == .ok)
                let json = try JSONSerialization.jsonObject(with: Data(response.body.readableBytesView)) as? [String: Any]
                let result = json?["composeExtension"] as? [String: Any]
                #expect(result?["type"] as? String == "message")
                return result?["text"] as? String ?? ""
            }
            let declared = try await use(
                Self.action(
                    "declareIncident",
                    data: ["severity": "sev2"],
                    message: "1759881511856",
                    html: "<p>VPN drops every 5 min</p><p>since 09:00</p>",
                    serviceURL: serviceURL
                )
            )
            #expect(declared.hasPrefix("✓ Carol declared SEV2 “VPN drops every 5 min”"), "\(declared)")
            #expect(!declared.contains("change it with"), "the severity was chosen, not defaulted")
            let added = try await use(
                Self.action("addToTimeline", data: [:], message: "1759881599000", html: "Rebooted the concentrator", serviceURL: serviceURL)
            )
            #expect(added.contains("pinned a message by @8:orgid:dana"))
            let channel = ChannelRef(platform: .teams, workspace: TeamsStandIn.tenant, channel: TeamsTests.conversation)
            let incident = try #require(await firebell.service.state(of: channel).activeIncident)
            #expect(incident.severity == .sev2 && incident.impact == "VPN drops every 5 min / since 09:00")
            #expect(incident.pinnedMessages == ["1759881511856", "1759881599000"])
            let unsigned = try await teams.send(
                client,
                Self.action("addToTimeline", data: [:], message: "x", html: "x", serviceURL: serviceURL),
                token: nil
            )
            #expect(unsigned.status == .unauthorized, "verified like every activity")
        }
    }

    @Test func theManifestOffersBothActionsOnMessages() throws {
        let manifest = try #require(try JSONSerialization.jsonObject(with: Data(TeamsManifest.json(appID: "app").utf8)) as? [String: Any])
        let commands = ((manifest["composeExtensions"] as? [[String: Any]])?.first?["commands"] as? [[String: Any]]) ?? []
        #expect(commands.map { $0["id"] as? String } == ["declareIncident", "addToTimeline"])
        #expect(commands.allSatisfy { $0["type"] as? String == "action" && $0["context"] as? [String] == ["message"] })
        let severity = (commands.first?["parameters"] as? [[String: Any]])?.first
        #expect((severity?["choices"] as? [[String: String]])?.map { $0["value"] } == ["sev1", "sev2", "sev3", "sev4"])
    }
}
