import AsyncHTTPClient
import Foundation
import Hummingbird
import HummingbirdTesting
import IncidentKit
import NIOCore
import Platforms
import Testing

@testable import FirebellServer

#if canImport(Glibc)
import Glibc
#endif

/// Prometheus Alertmanager from Debian (`prometheus-alertmanager`), on loopback, sending its real webhooks.
@Suite("A real Alertmanager", .timeLimit(.minutes(2)))
struct RealAlertmanagerTests {
    static let binary: String? = ["/usr/bin/prometheus-alertmanager", "/usr/bin/alertmanager"].first {
        FileManager.default.isExecutableFile(atPath: $0)
    }
    static let required = ProcessInfo.processInfo.environment["FIREBELL_REQUIRE_ALERTMANAGER"] == "1"

    @Test(.enabled(if: binary != nil || required, "needs prometheus-alertmanager (apt-get install prometheus-alertmanager); .ci/run installs it"))
    func aFiringAlertOpensOneTriageIncidentAndItsRecoveryIsOnTheTimeline() async throws {
        let binary = try #require(Self.binary, "FIREBELL_REQUIRE_ALERTMANAGER is set but Alertmanager is not installed")
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        var configuration = AlertIntakeTests().configuration()
        configuration.dataDirectory = folder.url
        var settings = ServeSettings()
        settings.alertmanagerToken = "am-token"
        try await withHTTPClient { httpClient in
            try await run(binary: binary, folder: folder, configuration: configuration, settings: settings, httpClient: httpClient)
        }
    }

    private func run(
        binary: String,
        folder: TemporaryFolder,
        configuration: FirebellConfiguration,
        settings: ServeSettings,
        httpClient: HTTPClient
    ) async throws {
        let firebell = try FirebellApplication(configuration: configuration, settings: settings, httpClient: httpClient, logger: quietLogger())
        try await firebell.application(port: 0).test(.live) { client in
            let amPort = try freeLoopbackPort()
            let config = folder.url.appendingPathComponent("alertmanager.yml")
            try """
            route:
              receiver: firebell
              group_by: [alertname]
              group_wait: 1s
              group_interval: 1s
              repeat_interval: 1h
            receivers:
              - name: firebell
                webhook_configs:
                  - url: http://127.0.0.1:\(client.port!)/hooks/alertmanager
                    send_resolved: true
                    http_config:
                      authorization:
                        type: Bearer
                        credentials: am-token
            """.write(to: config, atomically: true, encoding: .utf8)
            let alertmanager = try ChildProcess(
                URL(fileURLWithPath: binary),
                arguments: [
                    "--config.file=\(config.path)", "--storage.path=\(folder.url.appendingPathComponent("am").path)",
                    "--web.listen-address=127.0.0.1:\(amPort)", "--cluster.listen-address=",
                ],
                environment: [:],
                limit: 90
            )
            defer { alertmanager.stop(with: SIGKILL) }

            let api = "http://127.0.0.1:\(amPort)/api/v2/alerts"
            let started = ISOTimestamp.format(Date().addingTimeInterval(-120))
            let alert =
                #"[{"labels":{"alertname":"HighErrorRate","service":"payments","severity":"critical"},"annotations":{"summary":"5xx > 5%","runbook_url":"https://wiki.example/runbooks/high-error-rate"},"startsAt":"\#(started)"}]"#
            try await eventually("Alertmanager accepts alerts") { try await send(alert, to: api, with: httpClient) }
            try await eventually("the incident is opened") { await firebell.service.state(of: AlertIntakeTests.payments).activeIncident != nil }
            let incident = try #require(await firebell.service.state(of: AlertIntakeTests.payments).activeIncident)
            #expect(incident.status == .triage && incident.severity == .sev1)
            #expect(incident.detection?.source == "alertmanager" && incident.detection?.key == #"{}:{alertname="HighErrorRate"}"#)
            #expect(incident.detectedAt == ISOTimestamp.parse(started), "detected = when the alert started")
            #expect(incident.runbook == "https://wiki.example/runbooks/high-error-rate", "the rule's runbook_url annotation")
            // Alertmanager runs on the real clock, so who holds L1 depends on the week the test runs in.
            let l1 = configuration.engine.oncall.rotations[0].member(level: 1, at: incident.declaredAt)
            #expect(l1 != nil && incident.pages.first?.user == l1, "L1 is paged")

            let ended = ISOTimestamp.format(Date().addingTimeInterval(-1))
            let resolved =
                #"[{"labels":{"alertname":"HighErrorRate","service":"payments","severity":"critical"},"annotations":{"summary":"5xx > 5%"},"startsAt":"\#(started)","endsAt":"\#(ended)"}]"#
            _ = try await send(resolved, to: api, with: httpClient)
            try await eventually("the recovery is on the timeline") {
                (try? await firebell.service.records(of: AlertIntakeTests.payments))?.contains {
                    $0.event == .alertRecovered(key: #"{}:{alertname="HighErrorRate"}"#)
                } == true
            }
            #expect(await firebell.service.state(of: AlertIntakeTests.payments).incidents.count == 1, "exactly one incident for the group")
        }
    }

    private func send(_ body: String, to url: String, with client: HTTPClient) async throws -> Bool {
        var request = HTTPClientRequest(url: url)
        request.method = .POST
        request.headers.add(name: "Content-Type", value: "application/json")
        request.body = .bytes(ByteBuffer(string: body))
        let response = try await client.execute(request, timeout: .seconds(5))
        return response.status == .ok
    }
}
