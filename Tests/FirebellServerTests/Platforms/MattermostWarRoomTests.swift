import AsyncHTTPClient
import Foundation
import HTTPTypes
import HummingbirdTesting
import IncidentKit
import NIOCore
import Platforms
import Synchronization
import Testing

@testable import FirebellServer

/// A SEV1 declared on Mattermost gets a channel of its own in the team: the REST calls as documented, a clash with
/// a channel someone else made, the declarer added, the header as topic, the link back as `~name`.
@Suite("Mattermost war rooms", .timeLimit(.minutes(1)))
struct MattermostWarRoomTests {
    @Test func aSEV1GetsItsOwnChannelInTheTeam() async throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let creates = Mutex(0)
        let standIn = RESTStandIn { method, path, number in
            switch (method, path) {
            case ("POST", "/api/v4/posts"): return (.created, #"{"id":"post\#(number)"}"#)
            case ("GET", "/api/v4/users/me"): return (.ok, #"{"id":"bot-id","username":"firebell"}"#)
            case ("POST", "/api/v4/channels"):
                // The first name is taken (by someone else), the suffixed one is free.
                let attempt = creates.withLock { count in
                    count += 1
                    return count
                }
                if attempt == 1 {
                    return (
                        .badRequest,
                        #"{"id":"store.sql_channel.save_channel.exists.app_error","message":"A channel with that name already exists on the same team.","status_code":400}"#
                    )
                }
                return (.created, #"{"id":"room1","name":"inc-2026-0001-checkout-down-2","team_id":"wx4zz8t4ttgmtxqiwfohijayzc"}"#)
            case ("GET", _) where path.hasPrefix("/api/v4/teams/"):
                return (.ok, #"{"id":"people-channel","creator_id":"someone-else","delete_at":0}"#)
            case ("GET", _) where path.hasPrefix("/api/v4/users/username/"):
                return (.ok, #"{"id":"id-\#(path.split(separator: "/").last ?? "")"}"#)
            case ("POST", "/api/v4/channels/room1/members"): return (.created, #"{"channel_id":"room1"}"#)
            case ("PUT", "/api/v4/channels/room1/patch"): return (.ok, #"{"id":"room1"}"#)
            default: return (.notFound, #"{"id":"api.context.404.app_error"}"#)
            }
        }
        try await standIn.application().test(.live) { standInClient in
            let settings = try ServeSettings(environment: [
                "MATTERMOST_URL": "http://127.0.0.1:\(standInClient.port!)", "MATTERMOST_BOT_TOKEN": "bot-token",
                "MATTERMOST_COMMAND_TOKEN": MattermostTests.token,
            ])
            try await withHTTPClient { httpClient in
                let firebell = try FirebellApplication(
                    configuration: FirebellConfiguration(dataDirectory: folder.url),
                    settings: settings,
                    httpClient: httpClient,
                    deliveryPolicy: quickDelivery(),
                    logger: quietLogger()
                )
                try await firebell.application(port: 0).test(.router) { client in
                    let body = MattermostTests().form("declare sev1 Checkout down")
                    let answer = try await client.execute(
                        uri: "/mattermost/commands",
                        method: .post,
                        headers: MattermostTests.headers(),
                        body: ByteBuffer(string: body)
                    )
                    #expect(String(buffer: answer.body).contains("it gets a channel of its own"))
                    #expect(await firebell.outbox.flush(timeout: .seconds(30)))
                    let room = ChannelRef(platform: .mattermost, workspace: "wx4zz8t4ttgmtxqiwfohijayzc", channel: "room1")
                    #expect(await firebell.service.state(of: room).activeIncident?.declaredBy == UserRef("carol"))
                }
            }
        }
        let calls = await standIn.calls.map { "\($0.method) \($0.path)" }
        #expect(calls.contains("GET /api/v4/teams/wx4zz8t4ttgmtxqiwfohijayzc/channels/name/inc-2026-0001-checkout-down"), "\(calls)")
        let created = await standIn.calls.filter { $0.method == "POST" && $0.path == "/api/v4/channels" }.map(\.json)
        #expect(created.map { $0["name"] as? String } == ["inc-2026-0001-checkout-down", "inc-2026-0001-checkout-down-2"])
        #expect(created.allSatisfy { $0["team_id"] as? String == "wx4zz8t4ttgmtxqiwfohijayzc" && $0["type"] as? String == "O" })
        let member = await standIn.calls.first { $0.path == "/api/v4/channels/room1/members" }?.json
        #expect(member?["user_id"] as? String == "id-carol", "the declarer is added")
        let header = await standIn.calls.first { $0.path == "/api/v4/channels/room1/patch" }?.json
        #expect(header?["header"] as? String == "SEV1 · Investigating · no IC yet · INC-2026-0001 Checkout down")
        let posts = await standIn.calls.filter { $0.path == "/api/v4/posts" }.map(\.json)
        #expect(posts.contains { $0["channel_id"] as? String == "room1" && ($0["message"] as? String)?.contains("Initial Alert") == true })
        #expect(
            posts.contains {
                $0["channel_id"] as? String == "fukxanjgjbnp7ng383at53k1sy"
                    && ($0["message"] as? String)?.contains("runs in its own channel: ~inc-2026-0001-checkout-down-2. Join it there.") == true
            },
            "\(posts.map { $0["message"] ?? "" })"
        )
    }
}
