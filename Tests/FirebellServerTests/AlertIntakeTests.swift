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

@Suite("Alert webhooks", .timeLimit(.minutes(1)))
struct AlertIntakeTests {
    static let payments = ChannelRef(platform: .console, workspace: "local", channel: "payments")
    static let alerts = ChannelRef(platform: .console, workspace: "local", channel: "alerts")

    static func alertmanager(
        status: String = "firing",
        alerts count: Int = 1,
        resolved: Int = 0,
        service: String = "payments",
        severity: String = "critical",
        groupKey: String? = "{}:{alertname=\"HighErrorRate\"}"
    ) -> String {
        let alerts = (0..<count).map { index in
            let state = index < count - resolved ? "firing" : "resolved"
            return """
                {"status":"\(state)","labels":{"alertname":"HighErrorRate","instance":"api-\(index)","service":"\(service)","severity":"\(severity)"},\
                "annotations":{"summary":"5xx > 5%"},"startsAt":"2026-11-18T11:0\(index % 5):00.123Z","endsAt":"0001-01-01T00:00:00Z",\
                "generatorURL":"http://prometheus:9090/graph?g0.expr=errors","fingerprint":"c4a2f1e0d3b5a69\(index % 10)"}
                """
        }.joined(separator: ",")
        let key = groupKey.map { "\"groupKey\":\"\($0.replacingOccurrences(of: "\"", with: "\\\""))\"," } ?? ""
        return """
            {"receiver":"firebell","status":"\(status)","alerts":[\(alerts)],"groupLabels":{"alertname":"HighErrorRate"},\
            "commonLabels":{"alertname":"HighErrorRate","service":"\(service)","severity":"\(severity)"},"commonAnnotations":{"summary":"5xx > 5%"},\
            "externalURL":"http://alertmanager:9093","version":"4",\(key)"truncatedAlerts":0}
            """
    }

    func configuration(autoResolve: Bool = false) -> FirebellConfiguration {
        var configuration = OnCallTests.configuration()
        configuration.alertRouting.rules = [
            AlertRouting.Rule(match: ["service": "payments"], channel: Self.payments),
            AlertRouting.Rule(match: ["severity": "critical"], severity: .sev1),
        ]
        configuration.alertRouting.defaultChannel = Self.alerts
        configuration.engine.alerts.autoResolve = autoResolve
        return configuration
    }

    func withIntake(
        autoResolve: Bool = false,
        _ body: @Sendable (any TestClientProtocol, IncidentService, ManualWallClock) async throws -> Void
    ) async throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        var configuration = configuration(autoResolve: autoResolve)
        configuration.dataDirectory = folder.url
        var settings = ServeSettings()
        settings.alertmanagerToken = "am-token"
        settings.genericWebhookToken = "generic-token"
        settings.genericWebhookSecret = "generic-secret"
        let clock = ManualWallClock(TimerDrill.start)
        try await withHTTPClient { httpClient in
            let firebell = try FirebellApplication(
                configuration: configuration,
                settings: settings,
                httpClient: httpClient,
                clock: clock,
                logger: quietLogger()
            )
            try await firebell.application(port: 0).test(.router) { client in try await body(client, firebell.service, clock) }
        }
    }

    func post(
        _ client: any TestClientProtocol,
        _ body: String,
        path: String = "/hooks/alertmanager",
        headers: HTTPFields = [.authorization: "Bearer am-token", .contentType: "application/json"]
    ) async throws -> (HTTPResponse.Status, String) {
        let response = try await client.execute(uri: path, method: .post, headers: headers, body: ByteBuffer(string: body))
        return (response.status, String(buffer: response.body))
    }

    @Test func aFiringGroupOpensOneTriageIncidentInTheRoutedChannelAndPagesL1() async throws {
        try await withIntake { client, service, clock in
            let (status, answer) = try await post(client, Self.alertmanager())
            #expect(status == .ok)
            #expect(answer.contains("\"incident\":\"INC-2026-0001\"") && answer.contains("console/local/payments"))
            let incident = try #require(await service.state(of: Self.payments).activeIncident)
            #expect(incident.status == .triage)
            #expect(incident.severity == .sev1, "severity=critical → SEV1 by the routing rule")
            #expect(incident.title == "HighErrorRate: 5xx > 5%")
            #expect(
                incident.detectedAt == ISOTimestamp.parse("2026-11-18T11:00:00Z")!,
                "detected = the alert's start (whole seconds, as the log keeps it)"
            )
            #expect(incident.pages.map(\.user) == [UserRef("alice")])
            let timeline = try await service.records(of: Self.payments).map { EventDescriber.describe($0) }
            #expect(
                timeline.contains {
                    $0.contains("labels: alertname=HighErrorRate, service=payments, severity=critical")
                        && $0.contains("links: http://prometheus:9090/graph?g0.expr=errors http://alertmanager:9093")
                }
            )

            // The same notification again (Alertmanager's repeat_interval): nothing new.
            let before = try await service.records(of: Self.payments).count
            #expect(try await post(client, Self.alertmanager()).0 == .ok)
            #expect(try await service.records(of: Self.payments).count == before)
            // More alerts in the group: the count is updated on the timeline, still one incident.
            #expect(try await post(client, Self.alertmanager(alerts: 3)).0 == .ok)
            #expect(
                try await service.records(of: Self.payments).last?.event
                    == .alertsChanged(key: "{}:{alertname=\"HighErrorRate\"}", firing: 3, resolved: 0)
            )
            #expect(await service.state(of: Self.payments).incidents.count == 1)

            // Nobody acknowledges: the page escalates on schedule.
            clock.advance(by: 300)
            _ = await service.fireDueTimers(now: clock.now())
            #expect(await service.state(of: Self.payments).activeIncident?.pages.map(\.level) == [1, 2])

            // Recovery: on the timeline and told to the IC; the incident stays open (no auto-resolve).
            #expect(try await post(client, Self.alertmanager(status: "resolved", alerts: 3, resolved: 3)).0 == .ok)
            let last = try await service.records(of: Self.payments).last
            #expect(last?.event == .alertRecovered(key: "{}:{alertname=\"HighErrorRate\"}"))
            #expect(
                last.map { EventDescriber.describe($0) } == "@monitoring shows recovery: every alert of {}:{alertname=\"HighErrorRate\"} has resolved"
            )
            #expect(await service.state(of: Self.payments).activeIncident != nil)
            #expect(try await post(client, Self.alertmanager(status: "resolved", alerts: 3, resolved: 3)).0 == .ok)
            #expect(try await service.records(of: Self.payments).last == last, "a repeated recovery records nothing")
        }
    }

    @Test func recoveryResolvesWhenConfigured() async throws {
        try await withIntake(autoResolve: true) { client, service, clock in
            _ = clock
            _ = try await post(client, Self.alertmanager())
            _ = try await post(client, Self.alertmanager(status: "resolved", alerts: 1, resolved: 1))
            let incident = try #require(await service.state(of: Self.payments).latestIncident)
            #expect(incident.status == .resolved)
        }
    }

    @Test func aHundredAlertsMakeOneIncident() async throws {
        try await withIntake { client, service, clock in
            _ = clock
            let (status, _) = try await post(client, Self.alertmanager(alerts: 100))
            #expect(status == .ok)
            let state = await service.state(of: Self.payments)
            #expect(state.incidents.count == 1)
            #expect(state.activeIncident?.title == "HighErrorRate: 5xx > 5% (100 alerts)")
            #expect(state.activeIncident?.alertCounts.values.first == AlertCount(firing: 100, resolved: 0))
        }
    }

    @Test func unroutedAlertsGoToTheDefaultChannelAndOptionalFieldsMayBeMissing() async throws {
        try await withIntake { client, service, clock in
            _ = clock
            let minimal = """
                {"version":"4","status":"firing","receiver":"firebell","alerts":[{"status":"firing","labels":{"alertname":"DiskFull","severity":"warning"}}]}
                """
            let (status, answer) = try await post(client, minimal)
            #expect(status == .ok, "\(answer)")
            let incident = try #require(await service.state(of: Self.alerts).activeIncident)
            #expect(incident.title == "DiskFull")
            #expect(incident.severity == .sev3, "severity=warning → SEV3 by the label mapping")
            #expect(incident.detectedAt == TimerDrill.start, "no start time given: detected on arrival")
            #expect(await service.state(of: Self.payments).incidents.isEmpty, "other channels untouched")
        }
    }

    @Test(arguments: [
        ("not json", "not an Alertmanager webhook payload: not valid JSON"),
        (#"{"version":"3","status":"firing","receiver":"x","alerts":[]}"#, "unsupported payload version '3'; Firebell reads version 4"),
        (#"{"version":"4","status":"firing","receiver":"x"}"#, "not an Alertmanager webhook payload: missing field 'alerts'"),
        (#"{"version":"4","status":"burning","receiver":"x","alerts":[]}"#, "status must be firing or resolved, not 'burning'"),
        (#"{"version":"4","status":"firing","receiver":"x","alerts":[]}"#, "the notification has no alerts"),
        (
            #"{"version":"4","status":"firing","receiver":"x","alerts":[{"status":"firing","labels":{"a":1}}]}"#,
            "not an Alertmanager webhook payload: wrong type at 'alerts.Index 0.labels.a'"
        ),
    ])
    func badPayloadsGet400WithTheReasonAndChangeNothing(body: String, reason: String) async throws {
        try await withIntake { client, service, clock in
            _ = clock
            let (status, answer) = try await post(client, body)
            #expect(status == .badRequest)
            #expect(answer.contains(reason), "\(answer)")
            #expect(service.channels.isEmpty)
        }
    }

    @Test func aStartTimeWithAFortyDigitFractionIsReadNotFatal() async throws {
        // Found by the fuzzer: Foundation's ISO 8601 parser (ICU) takes SIGFPE on this, killing the whole server.
        try await withIntake { client, service, clock in
            _ = clock
            let fraction = String(repeating: "9", count: 40)
            let body = Self.alertmanager().replacingOccurrences(of: "00.123Z", with: "00.\(fraction)Z")
            let (status, answer) = try await post(client, body)
            #expect(status == .ok, "\(answer)")
            let incident = try #require(await service.state(of: Self.payments).activeIncident)
            let started = try #require(ISOTimestamp.parse("2026-11-18T11:00:00Z"))
            #expect(incident.detectedAt >= started && incident.detectedAt < started + 1, "the alert's start time is kept")
        }
    }

    @Test func credentialsAreCheckedBeforeTheBodyIsRead() async throws {
        try await withIntake { client, service, clock in
            _ = clock
            let json: HTTPFields = [.contentType: "application/json"]
            let missing = try await post(client, Self.alertmanager(), headers: json)
            let wrong = try await post(client, Self.alertmanager(), headers: [.authorization: "Bearer wrong", .contentType: "application/json"])
            let other = try await post(
                client,
                Self.alertmanager(),
                headers: [.authorization: "Bearer generic-token", .contentType: "application/json"]
            )
            let garbage = try await post(client, "not json", headers: [.authorization: "Bearer wrong"])
            let plain = try await post(client, Self.alertmanager(), headers: [.authorization: "Bearer am-token", .contentType: "text/plain"])
            let huge = try await post(client, String(repeating: " ", count: 1024 * 1024 + 1))
            #expect(missing.0 == .unauthorized)
            #expect(wrong.0 == .unauthorized)
            #expect(other.0 == .unauthorized, "one webhook's token does not open the other")
            #expect(garbage.0 == .unauthorized, "401 before 400 or 415")
            #expect(plain.0 == .unsupportedMediaType)
            #expect(huge.0 == .contentTooLarge)
            #expect(service.channels.isEmpty)
        }
    }

    static func generic(_ status: String = "trigger", key: String = "checkout-latency") -> String {
        #"{"title":"Checkout p99 over 2 s","severity":"sev2","service":"checkout","summary":"p99 2.4 s","dedup_key":"\#(key)","status":"\#(status)","started_at":"2026-11-18T11:01:00Z","links":["https://grafana/d/1"]}"#
    }

    @Test func theGenericWebhookTakesABearerTokenOrAFreshHMACSignature() async throws {
        try await withIntake { client, service, clock in
            let authenticator = WebhookAuthenticator(token: nil, signingSecret: "generic-secret")!
            let body = Self.generic()
            let now = String(Int(clock.now().timeIntervalSince1970))
            func signed(_ timestamp: String, _ signature: String?) -> HTTPFields {
                [
                    .contentType: "application/json", .firebellTimestamp: timestamp,
                    .firebellSignature: signature ?? authenticator.signature(body: Data(body.utf8), timestamp: timestamp)!,
                ]
            }
            #expect(
                try await post(client, body, path: "/hooks/generic", headers: signed(now, "v1=" + String(repeating: "0", count: 64))).0
                    == .unauthorized
            )
            let stale = String(Int(clock.now().timeIntervalSince1970) - 301)
            #expect(try await post(client, body, path: "/hooks/generic", headers: signed(stale, nil)).0 == .unauthorized, "outside the replay window")
            #expect(
                try await post(client, body, path: "/hooks/generic", headers: [.authorization: "Bearer am-token", .contentType: "application/json"]).0
                    == .unauthorized
            )
            #expect(service.channels.isEmpty)

            let (status, _) = try await post(client, body, path: "/hooks/generic", headers: signed(now, nil))
            #expect(status == .ok)
            let incident = try #require(await service.state(of: Self.alerts).activeIncident)
            #expect(incident.severity == .sev2 && incident.systems == ["checkout"] && incident.impact == "p99 2.4 s")
            #expect(incident.detectedAt == ISOTimestamp.parse("2026-11-18T11:01:00Z"))
            let resolve = try await post(
                client,
                Self.generic("resolve"),
                path: "/hooks/generic",
                headers: [.authorization: "Bearer generic-token", .contentType: "application/json"]
            )
            #expect(resolve.0 == .ok)
            #expect(try await service.records(of: Self.alerts).last?.event == .alertRecovered(key: "checkout-latency"))
            let bad = try await post(
                client,
                #"{"title":"x","dedup_key":"k","status":"maybe"}"#,
                path: "/hooks/generic",
                headers: [.authorization: "Bearer generic-token", .contentType: "application/json"]
            )
            #expect(bad.0 == .badRequest && bad.1.contains("status must be trigger or resolve, not 'maybe'"))
        }
    }

    @Test func anotherGroupDuringAnActiveIncidentIsAttachedToIt() async throws {
        try await withIntake { client, service, clock in
            _ = clock
            _ = try await post(client, Self.alertmanager())
            _ = try await post(client, Self.alertmanager(groupKey: "{}:{alertname=\"LatencyHigh\"}"))
            let state = await service.state(of: Self.payments)
            #expect(state.incidents.count == 1)
            #expect(state.activeIncident?.alertKeys.count == 2)
        }
    }
}
