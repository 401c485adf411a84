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

/// A stand-in for PagerDuty's Events API v2 (`POST /v2/enqueue`), answering 202 as documented after injected 5xx.
actor PagerDutyStandIn {
    private(set) var received: [Data] = []
    private var failures: Int

    init(failFirst failures: Int) { self.failures = failures }

    func handle(_ body: ByteBuffer) -> HTTPResponse.Status {
        if failures > 0 {
            failures -= 1
            return .internalServerError
        }
        received.append(Data(body.readableBytesView))
        return .accepted
    }

    nonisolated func application() -> some ApplicationProtocol {
        let router = Router()
        router.post("/v2/enqueue") { request, _ in
            let body = try await request.body.collect(upTo: 512 * 1024)
            let status = await self.handle(body)
            let answer = status == .accepted ? #"{"status":"success","message":"Event processed"}"# : "{}"
            return Response(status: status, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(string: answer)))
        }
        return Application(router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0)))
    }
}

@Suite("PagerDuty Events API v2", .timeLimit(.minutes(1)))
struct PagerDutyTests {
    static let routingKey = "e93facc04764012d7bfb002500d5d1a6"

    @Test func pagesTriggerAcknowledgementsAcknowledgeAndResolutionsResolve() async throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let standIn = PagerDutyStandIn(failFirst: 1)
        try await standIn.application().test(.live) { standInClient in
            var configuration = AlertIntakeTests().configuration()
            configuration.dataDirectory = folder.url
            configuration.pagerDutyURL = "http://127.0.0.1:\(standInClient.port!)/v2/enqueue"
            var settings = ServeSettings()
            settings.alertmanagerToken = "am-token"
            settings.pagerDutyRoutingKey = Self.routingKey
            let policy = quickDelivery()
            try await withHTTPClient { httpClient in
                let firebell = try FirebellApplication(
                    configuration: configuration,
                    settings: settings,
                    httpClient: httpClient,
                    deliveryPolicy: policy,
                    logger: quietLogger()
                )
                try await firebell.application(port: 0).test(.live) { client in
                    let opened = try await client.execute(
                        uri: "/hooks/alertmanager",
                        method: .post,
                        headers: [.authorization: "Bearer am-token", .contentType: "application/json"],
                        body: ByteBuffer(string: AlertIntakeTests.alertmanager())
                    )
                    #expect(opened.status == .ok)
                    for command in [Command.acknowledge, .resolve(rootCause: nil)] {
                        let outcome = try await firebell.service.transact(
                            ChannelInput(.input(.command(command)), in: AlertIntakeTests.payments, by: UserRef("alice"))
                        )
                        #expect(outcome.result == .accepted)
                    }
                    #expect(await firebell.outbox.flush(timeout: .seconds(20)))
                }
            }
        }
        let events = await standIn.received.map { (try? JSONSerialization.jsonObject(with: $0)) as? [String: Any] ?? [:] }
        #expect(events.map { $0["event_action"] as? String } == ["trigger", "acknowledge", "resolve"], "in order, the 500 retried")
        #expect(events.allSatisfy { $0["routing_key"] as? String == Self.routingKey && $0["dedup_key"] as? String == "INC-2026-0001" })
        let payload = try #require(events.first?["payload"] as? [String: Any])
        #expect(payload["severity"] as? String == "critical" && payload["source"] as? String == "firebell")
        #expect((payload["summary"] as? String)?.hasPrefix("INC-2026-0001 SEV1: HighErrorRate") == true)
        let outbox =
            FileManager.default.enumerator(at: folder.url, includingPropertiesForKeys: nil)?
            .compactMap { $0 as? URL }.filter { $0.pathExtension == "jsonl" } ?? []
        for file in outbox {
            #expect(!(try String(contentsOf: file, encoding: .utf8)).contains(Self.routingKey), "the routing key never goes to disk")
        }
    }
}
