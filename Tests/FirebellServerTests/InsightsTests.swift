import AsyncHTTPClient
import FirebellTestSupport
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import IncidentKit
import Messaging
import NIOCore
import Platforms
import Testing

@testable import FirebellServer

/// Five incidents over seven weeks on a manual clock, two channels, a Berlin rotation (alice/bob weekly at L1, dana
/// at L2), a night page the evening before the end of summer time and one the morning after, a private incident,
/// and action items done, open and overdue. Every figure below is worked out by hand from the script.
@Suite("Insights", .timeLimit(.minutes(2)))
struct InsightsTests {
    static let payments = ChannelRef(platform: .console, workspace: "local", channel: "payments")
    static let search = ChannelRef(platform: .console, workspace: "local", channel: "search")
    static let now = date("2026-11-20T12:00:00Z")
    static let days = 40

    static func date(_ text: String) -> Date { ISOTimestamp.parse(text)! }

    /// The Berlin rotation, with SEV4 alerts paging at once (on-call load is counted here; holding SEV4 pages for
    /// the next business day has its own tests).
    static func configuration() -> FirebellConfiguration {
        var configuration = OnCallTests.configuration()
        configuration.engine.severities.policies[.sev4]?.responseWindow = .always
        return configuration
    }

    /// Runs the script and returns the clock at `now` and the service that ran it.
    @discardableResult
    static func populate(_ folder: TemporaryFolder) async throws -> (ManualWallClock, IncidentService) {
        let clock = ManualWallClock(date("2026-10-01T10:00:00Z"))
        var configuration = Self.configuration()
        configuration.dataDirectory = folder.url
        let service = try IncidentService(configuration: configuration, clock: clock, logger: quietLogger())
        func run(_ at: String, _ channel: ChannelRef, _ arguments: String, as user: String) async {
            clock.set(date(at))
            let outcome = await service.run(arguments, in: channel, as: user)
            #expect(outcome.result == .accepted, "\(arguments): \(outcome.reply ?? "")")
        }
        // Outside the window: INC-2026-0001, its action item still open and long overdue.
        await run("2026-10-01T10:00:00Z", payments, "declare sev2 Retry storm", as: "carol")
        await run("2026-10-01T10:05:00Z", payments, "action add Fix retry storm @bob due: 2026-10-10", as: "carol")
        await run("2026-10-01T11:00:00Z", payments, "resolve", as: "carol")
        // INC-2026-0002, SEV1: paged at 23:50 Berlin summer time (night), escalated at 06:30 winter time (night).
        await run("2026-10-24T21:50:00Z", payments, "declare sev1 Checkout down systems: checkout, payments-api", as: "carol")
        await run("2026-10-24T21:55:00Z", payments, "ack", as: "alice")
        await run("2026-10-25T05:30:00Z", payments, "escalate", as: "alice")
        await run("2026-10-25T06:00:00Z", payments, "mitigated", as: "alice")
        await run("2026-10-25T06:30:00Z", payments, "resolve", as: "alice")
        await run("2026-10-25T06:35:00Z", payments, "action add Add canary @alice due: 2026-12-01", as: "carol")
        // INC-2026-0003, SEV2: paged at 07:30 Berlin winter time (06:30 UTC, which a fixed offset would call night).
        await run("2026-10-25T06:30:00Z", search, "declare sev2 Search slow", as: "carol")
        await run("2026-10-25T06:40:00Z", search, "ack", as: "alice")
        await run("2026-10-25T06:50:00Z", search, "update Reindexing", as: "alice")
        await run("2026-10-25T07:30:00Z", search, "resolve", as: "alice")
        await run("2026-11-02T10:00:00Z", payments, "action done 1", as: "alice")
        // INC-2026-0004, SEV1, private: bob's week.
        await run("2026-11-10T10:00:00Z", payments, "declare sev1 Key leak", as: "carol")
        await run("2026-11-10T10:01:00Z", payments, "private on", as: "carol")
        await run("2026-11-10T10:02:00Z", payments, "ack", as: "bob")
        await run("2026-11-10T10:03:00Z", payments, "systems checkout", as: "carol")
        await run("2026-11-10T10:05:00Z", payments, "action add Rotate keys @bob due: 2026-11-12", as: "carol")
        await run("2026-11-10T10:10:00Z", payments, "update Keys revoked", as: "bob")
        await run("2026-11-10T10:30:00Z", payments, "update Rotating", as: "bob")
        await run("2026-11-10T10:40:00Z", payments, "update Almost done", as: "bob")
        await run("2026-11-10T11:00:00Z", payments, "resolve", as: "bob")
        // INC-2026-0005, SEV4, opened by an alert for the search service; still active.
        clock.set(date("2026-11-19T10:00:00Z"))
        let signal = AlertSignal(
            source: "alertmanager",
            key: "{}:{alertname=\"SlowQueries\"}",
            isFiring: true,
            title: "SlowQueries",
            severity: .sev4,
            service: "search",
            startedAt: nil,
            labels: ["alertname": "SlowQueries", "service": "search"],
            links: [],
            firingCount: 1
        )
        let opened = await service.transactValid(ChannelInput(.input(.alert(signal)), in: search, by: Input.monitoring))
        #expect(opened.result == .accepted)
        await run("2026-11-19T10:05:00Z", search, "ack", as: "alice")
        // What is due by now (the overdue items' daily reminders) fires here, so the served figures stay put.
        clock.set(now)
        _ = await service.fireDueTimers(now: now)
        return (clock, service)
    }

    func withInsights(
        password: String? = nil,
        _ body: @Sendable (any TestClientProtocol, IncidentService, IncidentService) async throws -> Void
    ) async throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let (clock, scripted) = try await Self.populate(folder)
        var configuration = Self.configuration()
        configuration.dataDirectory = folder.url
        var settings = ServeSettings()
        settings.insightsPassword = password
        try await withHTTPClient { httpClient in
            let firebell = try FirebellApplication(
                configuration: configuration,
                settings: settings,
                httpClient: httpClient,
                clock: clock,
                logger: quietLogger()
            )
            try await firebell.application(port: 0).test(.live) { client in try await body(client, firebell.service, scripted) }
        }
    }

    @Test func everyFigureIsWorkedOutFromTheEventsToTheSecond() async throws {
        try await withInsights { _, service, scripted in
            await service.readModelReady()
            let engine = Self.configuration().engine
            let insights = service.readModel.insights(days: Self.days, now: Self.now, configuration: engine)
            #expect(
                scripted.readModel.insights(days: Self.days, now: Self.now, configuration: engine) == insights,
                "kept up to date commit by commit, or read from the logs at a start: the same figures"
            )
            #expect(insights.incidents == 4, "INC-2026-0001 was declared before the window")
            #expect(insights.privateIncidents == 1)

            // SEV1: 0002 (acknowledged after 5 min, mitigated after 8 h 10 min, resolved after 8 h 40 min) and
            // 0004 (2 min, resolved after 1 h; resolution counts as mitigation).
            let sev1 = try #require(insights.bySeverity["sev1"])
            #expect(sev1.count == 2)
            #expect([sev1.mttaSeconds, sev1.mttmSeconds, sev1.mttrSeconds] == [210, 16_500, 17_400], "medians of two")
            #expect([sev1.p90MttaSeconds, sev1.p90MttmSeconds, sev1.p90MttrSeconds] == [300, 29_400, 31_200], "p90 by nearest rank")
            let sev2 = try #require(insights.bySeverity["sev2"])
            #expect([sev2.count, sev2.mttaSeconds, sev2.mttrSeconds, sev2.p90MttrSeconds] == [1, 600, 3600, 3600])
            let sev4 = try #require(insights.bySeverity["sev4"])
            #expect(sev4.count == 1 && sev4.mttaSeconds == 300 && sev4.mttrSeconds == nil, "still active")
            #expect(insights.bySeverity["sev3"] == nil)

            #expect(
                insights.weeks.map(\.start.description) == [
                    "2026-10-05", "2026-10-12", "2026-10-19", "2026-10-26", "2026-11-02", "2026-11-09", "2026-11-16",
                ]
            )
            #expect(insights.weeks.map(\.bySeverity) == [[:], [:], ["sev1": 1, "sev2": 1], [:], [:], ["sev1": 1], ["sev4": 1]])

            // Updates: 0002 expected one by 22:05 and got none; 0003 one on time, one missed at resolution; 0004 on
            // time, late by 5 min, on time, missed; 0005 (SEV4) has no cadence.
            #expect(insights.months.map(\.month) == ["2026-10", "2026-11"])
            #expect(insights.months.map { [$0.incidents, $0.expectedUpdates, $0.onTimeUpdates, $0.holdingPosts] } == [[2, 3, 1, 0], [2, 4, 2, 0]])
            #expect(insights.months.map { [$0.mttaSeconds, $0.mttmSeconds, $0.mttrSeconds] } == [[450, 16_500, 17_400], [210, 3600, 3600]])
            #expect(insights.updateCompliance == 3.0 / 7.0)

            // Pages: alice at 23:50 CEST (night), 07:30 CET (day) and for the alert at 11:00 CET; dana at 06:30 CET
            // (night); bob at 11:00 CET.
            let load = Dictionary(uniqueKeysWithValues: insights.oncall.map { ($0.person, $0) })
            #expect(load["@alice"].map { [$0.pages, $0.nightPages] } == [3, 1])
            #expect(load["@dana"].map { [$0.pages, $0.nightPages] } == [1, 1])
            #expect(load["@bob"].map { [$0.pages, $0.nightPages] } == [1, 0])
            #expect(load["@carol"].map { [$0.pages, $0.nightPages] } == [0, 0])
            // Hours from first involvement to resolution: 0002 is 8 h 40 min from 21:50; dana joined at 05:30.
            let checkoutHours: Double = 8 + 40.0 / 60
            #expect(load["@carol"]?.incidentHours == checkoutHours + 2)
            #expect(load["@alice"]?.incidentHours == checkoutHours + 1 + 26, "the alert's incident is still open: 26 h so far")
            #expect(load["@dana"]?.incidentHours == 1)
            #expect(load["@bob"]?.incidentHours == 1)
            #expect(load["monitoring"] == nil && load["@monitoring"] == nil && load["@firebell"] == nil, "machines carry no pager")
            // Weekly shifts from Monday 09:00 Berlin: seven days each, alternating.
            #expect(load["@alice"]?.consecutiveOnCallDays == 7 && load["@bob"]?.consecutiveOnCallDays == 7)
            #expect(load["@dana"]?.consecutiveOnCallDays == 0, "level 2 is not the front line")
            #expect(insights.oncall.first?.person == "@alice", "most pages first")

            let items = insights.actionItems
            let itemCounts: [Int] = [items.open, items.overdue, items.done, items.opened]
            #expect(itemCounts == [2, 2, 1, 2])
            let oldest = try #require(items.oldestOverdue)
            #expect(oldest.incident == "INC-2026-0001" && oldest.number == 1 && oldest.text == "Fix retry storm")
            #expect(oldest.due.description == "2026-10-10" && oldest.daysOverdue == 41)
            let weeks = Dictionary(uniqueKeysWithValues: items.weeks.map { ($0.start.description, [$0.opened, $0.done, $0.overdue]) })
            #expect(weeks["2026-10-19"] == [1, 0, 1])
            #expect(weeks["2026-11-02"] == [0, 1, 1])
            #expect(weeks["2026-11-09"] == [1, 0, 2])
            #expect(weeks["2026-11-16"] == [0, 0, 2])

            #expect(insights.systems.map(\.name) == ["checkout", "search", "payments-api"], "most incidents, then most hours")
            #expect(insights.systems.map(\.incidents) == [2, 1, 1])
            #expect(insights.systems.first?.hours == checkoutHours + 1)
            #expect(insights.services.map(\.name) == ["search"] && insights.services.first?.hours == 26)
        }
    }

    @Test func theJSONKeepsItsContractAndNeverNamesAPrivateIncident() async throws {
        try await withInsights { client, _, _ in
            let response = try await client.execute(uri: "/insights.json?days=40", method: .get)
            #expect(response.status == .ok)
            #expect(response.headers[.contentType] == "application/json; charset=utf-8")
            #expect(response.headers[.cacheControl] == "private, max-age=60", "a shared cache must not keep names")
            let body = String(buffer: response.body)
            struct Contract: Decodable {
                struct Figures: Decodable {
                    let count: Int
                    let mtta_seconds: Int?
                    let mttm_seconds: Int?
                    let mttr_seconds: Int?
                    let p90_mttr_seconds: Int?
                }
                struct Person: Decodable {
                    let person: String
                    let pages: Int
                    let night_pages: Int
                    let incident_hours: Double
                }
                struct Items: Decodable {
                    let open: Int
                    let overdue: Int
                    let done: Int
                }
                let window_days: Int
                let incidents: Int
                let by_severity: [String: Figures]
                let update_compliance: Double
                let oncall: [Person]
                let action_items: Items
            }
            let contract = try JSONDecoder().decode(Contract.self, from: Data(body.utf8))
            #expect(contract.window_days == 40 && contract.incidents == 4)
            #expect(contract.by_severity["sev1"]?.mtta_seconds == 210 && contract.by_severity["sev1"]?.p90_mttr_seconds == 31_200)
            #expect(abs(contract.update_compliance - 3.0 / 7.0) < 1e-9)
            #expect(contract.oncall.first { $0.person == "@dana" }?.night_pages == 1)
            let itemCounts: [Int] = [contract.action_items.open, contract.action_items.overdue, contract.action_items.done]
            #expect(itemCounts == [2, 2, 1])
            for secret in ["Key leak", "Rotate keys", "INC-2026-0004"] { #expect(!body.contains(secret), "\(secret) is private") }

            let again = try await client.execute(uri: "/insights.json?days=40", method: .get, headers: [.ifNoneMatch: response.headers[.eTag]!])
            #expect(again.status == .notModified)
            let defaultWindow = try await client.execute(uri: "/insights.json", method: .get)
            #expect(String(buffer: defaultWindow.body).contains("\"window_days\":90"))
        }
    }

    @Test func theReportCommandPrintsTheSameFiguresAsMarkdown() async throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        try await Self.populate(folder)
        let (status, output) = await ChildProcess.output(
            CrashRecoveryTests.binary,
            arguments: ["report", "--days", "40", "--until", "2026-11-20T12:00:00Z", "--data", folder.url.path],
            environment: [:],
            limit: 60
        )
        let text = String(decoding: output, as: UTF8.self)
        #expect(status == 0, "\(text)")
        #expect(text.hasPrefix("# Incident insights: the last 40 days"))
        #expect(text.contains("4 incidents (1 private, counted but not named). Status Updates on time: 43%; holding posts: 0."))
        #expect(text.contains("| SEV1 | 2 | 3 min | 5 min | 4 h 35 min | 8 h 10 min | 4 h 50 min | 8 h 40 min |"))
        #expect(text.contains("| 2026-10-19 | 1 | 1 | 0 | 0 | 2 |"))
        #expect(text.contains("| 2026-10 | 2 | 7 min | 4 h 35 min | 4 h 50 min | 1 of 3 (33%) | 0 |"))
        #expect(text.contains("| @dana | 1 | 1 | 1.0 | 0 |"))
        #expect(text.contains("The oldest overdue: INC-2026-0001 #1 “Fix retry storm” (@bob), due 2026-10-10 (41 days ago)."))
        #expect(!text.contains("Key leak") && !text.contains("Rotate keys"))

        let (refused, _) = await ChildProcess.output(
            CrashRecoveryTests.binary,
            arguments: ["report", "--days", "0", "--data", folder.url.path],
            environment: [:],
            limit: 60
        )
        #expect(refused != 0, "a window of 0 days is refused")
    }

    @Test(arguments: ["0", "367", "abc", "-5", "90.5", ""])
    func aBadWindowIs400WithTheReason(days: String) async throws {
        try await withInsights { client, _, _ in
            for path in ["/insights", "/insights.json"] {
                let response = try await client.execute(uri: "\(path)?days=\(days)", method: .get)
                #expect(response.status == .badRequest)
                #expect(String(buffer: response.body).hasPrefix("days must be a whole number from 1 to 366, not '\(days)'."))
            }
        }
    }

    @Test func aPasswordKeepsTheInsightsToTheTeam() async throws {
        try await withInsights(password: "s3cret") { client, _, _ in
            let anonymous = try await client.execute(uri: "/insights", method: .get)
            #expect(anonymous.status == .unauthorized)
            #expect(anonymous.headers[.wwwAuthenticate]?.hasPrefix("Basic realm=") == true)
            let wrong = try await client.execute(
                uri: "/insights.json",
                method: .get,
                headers: [.authorization: "Basic " + Data("lead:guess".utf8).base64EncodedString()]
            )
            #expect(wrong.status == .unauthorized)
            let basic = try await client.execute(
                uri: "/insights",
                method: .get,
                headers: [.authorization: "Basic " + Data("lead:s3cret".utf8).base64EncodedString()]
            )
            #expect(basic.status == .ok)
            let bearer = try await client.execute(uri: "/insights.json", method: .get, headers: [.authorization: "Bearer s3cret"])
            #expect(bearer.status == .ok)
            let status = try await client.execute(uri: "/status", method: .get)
            #expect(status.status == .ok, "the status page stays public")
        }
    }

    @Test func thePageShowsEveryChartWithATextAlternative() async throws {
        try await withInsights { client, _, _ in
            let response = try await client.execute(uri: "/insights?days=40", method: .get)
            #expect(response.status == .ok)
            let html = String(buffer: response.body)
            for chart in ["weekly-chart", "trend-chart", "compliance-chart", "action-chart", "oncall-chart", "systems-chart"] {
                #expect(
                    html.contains("<svg class=\"chart\" id=\"\(chart)\" role=\"img\" aria-labelledby=\"\(chart)-title \(chart)-desc\""),
                    "\(chart)"
                )
            }
            #expect(html.contains("<desc id=\"weekly-chart-desc\">4 incidents in 7 weeks. week of 2026-10-19: 1 SEV1, 1 SEV2;"))
            #expect(html.contains("<desc id=\"oncall-chart-desc\">@alice: 3 pages, 1 at night; @bob: 1 page, 0 at night; @dana: 1 page, 1 at night;"))
            #expect(html.contains("The oldest overdue: INC-2026-0001 #1 “Fix retry storm” (@bob), due 2026-10-10 (41 days ago)."))
            #expect(!html.contains("<script"), "no JavaScript")
            for secret in ["Key leak", "Rotate keys", "INC-2026-0004"] { #expect(!html.contains(secret), "\(secret) is private") }
        }
    }

    @Test(.enabled(if: Browser.path != nil || Browser.required, "needs Chromium (apt-get install chromium); .ci/run installs it"))
    func aRealBrowserDrawsTheChartsAtPhoneAndDesktopWidth() async throws {
        let chromium = try #require(Browser.path, "FIREBELL_REQUIRE_BROWSER is set but no chromium is installed")
        try await withInsights { client, _, _ in
            let url = "http://127.0.0.1:\(client.port!)/insights?days=40"
            let dom = String(decoding: try await Browser.run(chromium, ["--dump-dom", url]).output, as: UTF8.self)
            #expect(dom.components(separatedBy: "<svg class=\"chart\"").count - 1 == 6, "six charts in the rendered document")
            for (width, height) in [(390, 3200), (1280, 2400)] {
                let shot = try await Browser.run(chromium, ["--window-size=\(width),\(height)", "--screenshot", url], screenshot: true)
                let png = try #require(shot.screenshot)
                if let keep = ProcessInfo.processInfo.environment["FIREBELL_KEEP_SCREENSHOTS"] {
                    try png.write(to: URL(fileURLWithPath: keep).appendingPathComponent("insights-\(width).png"))
                }
                let image = try #require(
                    try await PNGPixels.read(png, colors: [(0xB4, 0x23, 0x18), (0x53, 0x38, 0x9E)]),
                    "a PNG Chromium rendered"
                )
                #expect(image.width == width, "rendered at \(width) px")
                // The SEV1 bars of the weekly chart and the night-page bars of the on-call chart are painted.
                #expect(image.count(of: (0xB4, 0x23, 0x18)) > 50, "SEV1 red at \(width) px")
                #expect(image.count(of: (0x53, 0x38, 0x9E)) > 50, "night-page purple at \(width) px")
            }
        }
    }
}
