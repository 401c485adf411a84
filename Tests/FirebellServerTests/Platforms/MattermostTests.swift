import AsyncHTTPClient
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import IncidentKit
import NIOCore
import Platforms
import Testing

@testable import FirebellServer

@Suite("Mattermost", .timeLimit(.minutes(1)))
struct MattermostTests {
    static let token = "qzgakf1nx3yt9dr4n8585ihbxy"

    func form(_ text: String, user: String = "carol", token: String = MattermostTests.token) -> String {
        var allowed = CharacterSet.alphanumerics
        allowed.insert(charactersIn: "-._~")
        let encoded = text.addingPercentEncoding(withAllowedCharacters: allowed)!
        return
            "channel_id=fukxanjgjbnp7ng383at53k1sy&channel_name=incident&command=%2Fincident&response_url=http%3A%2F%2F127.0.0.1%3A9%2Fhooks%2Fcommands%2Fx"
            + "&team_domain=acme&team_id=wx4zz8t4ttgmtxqiwfohijayzc&text=\(encoded)&token=\(token)&trigger_id=t&user_id=id-\(user)&user_name=\(user)"
    }

    static func headers(token: String = MattermostTests.token) -> HTTPFields {
        [.authorization: "Token \(token)", .contentType: "application/x-www-form-urlencoded", .accept: "application/json"]
    }

    func withMattermost(_ body: @Sendable (any TestClientProtocol, FirebellApplication, RESTStandIn) async throws -> Void) async throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let standIn = RESTStandIn(faults: [(.tooManyRequests, ["X-Ratelimit-Reset": "1"], "limit exceeded")]) { method, path, number in
            if method == "POST", path == "/api/v4/posts" { return (.created, #"{"id":"post\#(number)","channel_id":"fukxanjgjbnp7ng383at53k1sy"}"#) }
            return (.ok, #"{"id":"\#(path.split(separator: "/").dropLast().last ?? "")"}"#)
        }
        try await standIn.application().test(.live) { standInClient in
            let environment = [
                "MATTERMOST_URL": "http://127.0.0.1:\(standInClient.port!)", "MATTERMOST_BOT_TOKEN": "bot-token",
                "MATTERMOST_COMMAND_TOKEN": Self.token,
            ]
            let settings = try ServeSettings(environment: environment)
            let policy = quickDelivery()
            try await withHTTPClient { httpClient in
                let firebell = try FirebellApplication(
                    configuration: FirebellConfiguration.inPlace(folder.url),
                    settings: settings,
                    httpClient: httpClient,
                    deliveryPolicy: policy,
                    logger: quietLogger()
                )
                try await firebell.application(port: 0).test(.router) { client in try await body(client, firebell, standIn) }
            }
        }
    }

    @Test func theConsoleScenarioWordForWord() async throws {
        try await withMattermost { client, firebell, standIn in
            var replies: [String] = []
            for line in ConsoleScenarioTests.scenario {
                let speaker = line.hasPrefix("@alice: ") ? "alice" : "carol"
                let text = line.replacingOccurrences(of: "@alice: ", with: "").replacingOccurrences(of: "/incident ", with: "")
                let response = try await client.execute(
                    uri: "/mattermost/commands",
                    method: .post,
                    headers: Self.headers(),
                    body: ByteBuffer(string: form(text, user: speaker))
                )
                #expect(response.status == .ok)
                let json = try JSONSerialization.jsonObject(with: Data(buffer: response.body)) as? [String: String]
                #expect(json?["response_type"] == "ephemeral", "answers go only to the invoker")
                replies.append(json?["text"] ?? "")
            }
            #expect(replies.dropLast().allSatisfy { $0.hasPrefix("✓") }, "\(replies)")
            #expect(unmarked(replies.last!).hasPrefix("Timeline of INC-2026-0001"))
            #expect(await firebell.outbox.flush(timeout: .seconds(20)))
            let calls = await standIn.calls
            #expect(calls.allSatisfy { $0.authorization == "Bearer bot-token" })
            let posts = calls.filter { $0.method == "POST" && $0.path == "/api/v4/posts" }
            #expect(posts.first?.json["channel_id"] as? String == "fukxanjgjbnp7ng383at53k1sy")
            let texts = posts.map { unmarked($0.json["message"] as? String ?? "") }
            let alert = fields(try #require(texts.first { $0.contains("Initial Alert") }))
            #expect(alert["Severity"] == "SEV2 (High)" && alert["Impact"] == "30% of card payments fail")
            let update = fields(try #require(texts.first { $0.contains("Status Update") }))
            #expect(update["Update"] == "Rolled back release 2026.11.3, error rate falling")
            let resolution = fields(try #require(texts.first { $0.contains("Resolution") }))
            #expect(resolution["Root Cause"] == "release 2026.11.3 shipped an untested config change")
            let edits = calls.filter { $0.method == "PUT" }
            #expect(
                !edits.isEmpty && edits.allSatisfy { $0.path == "/api/v4/posts/post2/patch" },
                "the headline is edited in place (the 1st call was a 429)"
            )
        }
    }

    @Test func theCommandTokenIsCheckedBeforeAnythingElse() async throws {
        try await withMattermost { client, firebell, _ in
            for headers: HTTPFields in [
                [.contentType: "application/x-www-form-urlencoded"], Self.headers(token: "wrong"),
                [.authorization: "Bearer \(Self.token)", .contentType: "application/x-www-form-urlencoded"],
            ] {
                let response = try await client.execute(
                    uri: "/mattermost/commands",
                    method: .post,
                    headers: headers,
                    body: ByteBuffer(string: form("declare sev1 Down"))
                )
                #expect(response.status == .unauthorized)
            }
            let mismatch = try await client.execute(
                uri: "/mattermost/commands",
                method: .post,
                headers: Self.headers(),
                body: ByteBuffer(string: form("declare sev1 Down", token: "other"))
            )
            #expect(mismatch.status == .unauthorized, "the form's token must match too")
            #expect(firebell.service.channels.isEmpty)
        }
    }

    @Test func broadcastMentionsInUserTextAreNeutralised() async throws {
        try await withMattermost { client, firebell, standIn in
            _ = try await client.execute(
                uri: "/mattermost/commands",
                method: .post,
                headers: Self.headers(),
                body: ByteBuffer(string: form("declare sev3 @channel @all @here look"))
            )
            #expect(await firebell.outbox.flush(timeout: .seconds(30)))
            let message = try #require(await standIn.calls.last { $0.path == "/api/v4/posts" }?.json["message"] as? String)
            for name in ["channel", "all", "here"] {
                #expect(message.contains("@\u{2060}\(name)") && !message.contains("@\(name) "), "\(message)")
            }
        }
    }

    @Test func theRegistrationSettingsMatchTheParser() throws {
        let file = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("commands/mattermost-slash-command.json")
        let shipped = try String(contentsOf: file, encoding: .utf8)
        #expect(shipped == MattermostCommandSettings.json(), "regenerate with: firebell commands mattermost > commands/mattermost-slash-command.json")
        #expect(shipped.contains("\"auto_complete_hint\" : \"[\(VerbCatalog.verbs.map(\.name).joined(separator: "|"))]\""))
    }
}
