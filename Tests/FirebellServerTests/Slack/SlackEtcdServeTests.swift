import AsyncHTTPClient
import EtcdStore
import Foundation
import Hummingbird
import HummingbirdTesting
import IncidentKit
import IncidentStore
import NIOCore
import Testing

@testable import FirebellServer

/// Two `firebell serve` replicas on one real etcd, behind one Slack app: signed slash commands answered by either,
/// each command's posts made once, every replica ready, one leader.
@Suite(
    "firebell serve on etcd",
    .timeLimit(.minutes(2)),
    .enabled(if: EtcdCluster.binary != nil || EtcdCluster.required, "needs etcd (apt-get install etcd-server etcd-client); .ci/run installs it")
)
struct SlackEtcdServeTests {
    let slack = SlackServeTests()

    @Test func twoReplicasAnswerSignedCommandsOnOneIncidentAndPostEachOnce() async throws {
        let cluster = try await EtcdCluster()
        defer { cluster.stopAll() }
        let folders = (try TemporaryFolder(), try TemporaryFolder())
        defer {
            folders.0.remove()
            folders.1.remove()
        }
        let standIn = SlackStandIn()
        let endpoints = cluster.endpoints
        let opener: @Sendable (HTTPClient) async throws -> OpenedStore = { http in
            try #require(try await StoreSettings.etcd(endpoints, prefix: "/serve/").open(httpClient: http))
        }
        var configuration = FirebellConfiguration.inPlace(folders.0.url)
        configuration.store = .etcd(endpoints, prefix: "/serve/")
        configuration.store.leaseTTL = 2
        let shared = configuration
        try await standIn.application().test(.live) { standInClient in
            let port = standInClient.port!
            try await slack.withFirebell(standInPort: port, folder: folders.0, configuration: shared, store: opener) { a, replicaA in
                try await slack.withFirebell(standInPort: port, folder: folders.1, configuration: shared, store: opener) { b, replicaB in
                    let steps: [(any TestClientProtocol, String)] = [
                        (a, "declare sev2 Checkout returns 500s"), (b, "role ic <@UALICE|alice>"), (a, "update Rolled back next: 30m"),
                        (b, "note error rate falling"), (a, "timeline"),
                    ]
                    for (client, text) in steps {
                        let body = slack.form(text)
                        let response = try await client.execute(
                            uri: "/slack/commands",
                            method: .post,
                            headers: slack.signed(body),
                            body: ByteBuffer(string: body)
                        )
                        #expect(response.status == .ok)
                        let reply = try slack.ephemeralText(response)
                        #expect(!reply.hasPrefix("✗"), "\(text): \(reply)")
                        if text == "timeline" { #expect(reply.contains("error rate falling"), "B's note is on A's timeline: \(reply)") }
                    }
                    #expect(await replicaA.outbox.flush(timeout: .seconds(20)))
                    #expect(await replicaB.outbox.flush(timeout: .seconds(20)))
                    for client in [a, b] {
                        let ready = try await client.execute(uri: "/readyz", method: .get)
                        #expect(ready.status == .ok, "every replica that reaches etcd is ready: \(String(buffer: ready.body))")
                    }
                    try await eventually("one replica leads", within: .seconds(10)) {
                        var leaders = 0
                        for client in [a, b] {
                            let metrics = String(buffer: try await client.execute(uri: "/metrics", method: .get).body)
                            if metrics.contains("firebell_leader 1") { leaders += 1 } else if !metrics.contains("firebell_leader 0") { return false }
                        }
                        return leaders == 1
                    }
                }
            }
        }
        let shown = await standIn.shown(in: "C0INCIDENT")
        #expect(shown.filter { $0.contains("Checkout returns 500s") }.count >= 1)
        let posts = await standIn.posted.map { $0.json["text"] ?? "" }
        #expect(Set(posts).count == posts.count, "no post made twice: \(posts)")
    }
}
