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

/// Action items as GitHub issues, through the outbox, against a stand-in that speaks GitHub's Issues API and fails
/// as GitHub does.
@Suite("Action items in GitHub", .timeLimit(.minutes(2)))
struct GitHubTrackerTests {
    static let channel = ChannelRef(platform: .console, workspace: "local", channel: "payments")

    /// A Firebell on `folder` whose tracker is the stand-in at `port`.
    static func firebell(
        _ folder: TemporaryFolder,
        port: Int,
        httpClient: HTTPClient,
        token: String = GitHubStandIn.token,
        timeout: Duration = .seconds(5)
    ) throws -> FirebellApplication {
        try firebell(folder, httpClient: httpClient, timeout: timeout) { settings in
            settings.gitHubToken = token
            settings.gitHubRepository = GitHubStandIn.repository
            settings.gitHubAPIURL = "http://127.0.0.1:\(port)"
        }
    }

    /// A Firebell on `folder` whose tracker `configure` sets.
    static func firebell(
        _ folder: TemporaryFolder,
        httpClient: HTTPClient,
        timeout: Duration = .seconds(5),
        configure: (inout ServeSettings) -> Void
    ) throws -> FirebellApplication {
        var settings = ServeSettings()
        configure(&settings)
        var policy = quickDelivery()
        policy.requestTimeout = timeout
        return try FirebellApplication(
            configuration: FirebellConfiguration.inPlace(folder.url),
            settings: settings,
            httpClient: httpClient,
            deliveryPolicy: policy,
            logger: quietLogger()
        )
    }

    static func run(_ firebell: FirebellApplication, _ line: String, as user: String = "carol") async -> Answer {
        await firebell.service.run(line, in: channel, as: user)
    }

    static func item(_ firebell: FirebellApplication, _ number: Int) async -> ActionItem? {
        await firebell.service.state(of: channel).latestIncident?.actionItems.first { $0.number == number }
    }

    @Test func anItemBecomesAnIssueShowsItsLinkAndIsUpdatedAndClosedThere() async throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let standIn = GitHubStandIn()
        try await standIn.application().test(.live) { gitHub in
            let port = gitHub.port!
            await standIn.setBase("http://127.0.0.1:\(port)")
            try await withHTTPClient { httpClient in
                let firebell = try Self.firebell(folder, port: port, httpClient: httpClient)
                try await firebell.application(port: 0).test(.live) { _ in
                    #expect(await Self.run(firebell, "declare sev2 Checkout down").result == .accepted)
                    #expect(await Self.run(firebell, "action add Add a canary for the payment flow @bob due: 2026-12-15").result == .accepted)
                    #expect(await firebell.outbox.flush(timeout: .seconds(20)))
                    let issues = await standIn.issues
                    #expect(issues.count == 1)
                    let issue = try #require(issues.first)
                    #expect(issue.title == "INC-2026-0001 follow-up: Add a canary for the payment flow")
                    #expect(issue.labels == ["incident", "INC-2026-0001"])
                    #expect(issue.body.contains("Owner: @bob. Due: 2026-12-15."))
                    #expect(issue.body.contains("“Checkout down” (SEV2)"))
                    let link = try #require(await Self.item(firebell, 1)?.tracker, "the link is recorded on the item")
                    #expect(link == TrackerLink(key: "#1", url: "http://127.0.0.1:\(port)/acme/ops/issues/1"))
                    let actions = await Self.run(firebell, "actions")
                    #expect(actions.reply?.contains("→ #1 http://127.0.0.1:\(port)/acme/ops/issues/1") == true, "\(actions.reply ?? "")")

                    #expect(await Self.run(firebell, "action reassign 1 @dana").result == .accepted)
                    #expect(await Self.run(firebell, "action done 1", as: "dana").result == .accepted)
                    #expect(await firebell.outbox.flush(timeout: .seconds(20)))
                    let after = try #require(await standIn.issues.first)
                    #expect(after.body.contains("Owner: @dana."), "reassigning updates the issue")
                    #expect(after.state == "closed" && after.stateReason == "completed", "done closes it")
                    #expect(await standIn.issues.count == 1)

                    #expect(await Self.run(firebell, "resolve").result == .accepted)
                    let draft = try #require(await Self.run(firebell, "postmortem").reply)
                    #expect(draft.contains("| # | description | owner | due | status | issue |"))
                    #expect(draft.contains("| [#1](http://127.0.0.1:\(port)/acme/ops/issues/1) |"))
                }
            }
        }
    }

    @Test func aRefusalTellsTheOwnerOnceAndIsNotRetried() async throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let standIn = GitHubStandIn()
        try await standIn.application().test(.live) { gitHub in
            try await withHTTPClient { httpClient in
                let firebell = try Self.firebell(folder, port: gitHub.port!, httpClient: httpClient, token: "revoked")
                try await firebell.application(port: 0).test(.live) { _ in
                    _ = await Self.run(firebell, "declare sev2 Checkout down")
                    _ = await Self.run(firebell, "action add Add a canary @bob due: 2026-12-15")
                    #expect(await firebell.outbox.flush(timeout: .seconds(20)))
                    let calls = await standIn.calls.count
                    #expect(await standIn.issues.isEmpty && calls == 1, "a 401 is not retried")
                    let item = try #require(await Self.item(firebell, 1))
                    #expect(item.tracker == nil && item.trackerRefusal == "GitHub answered 401: Bad credentials")
                    let timeline = try #require(await Self.run(firebell, "timeline").reply)
                    #expect(
                        timeline.contains(
                            "the tracker refused to create the issue of action item 1 (owner @bob): GitHub answered 401: Bad credentials."
                        )
                    )
                    #expect(await Self.run(firebell, "actions").reply?.contains("→ not in the tracker (it refused)") == true)
                }
            }
        }
        // With a revoked token every request is refused: the owner is told once per item, never in a loop.
        let records = try String(contentsOf: folder.url.appendingPathComponent("channels/console/local/payments.jsonl"), encoding: .utf8)
        #expect(records.components(separatedBy: "actionTrackingRefused").count - 1 == 1)
    }

    @Test func rateLimitsAndServerErrorsAreRetriedAndAnAmbiguousCreateIsFoundNotRepeated() async throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let standIn = GitHubStandIn(faults: [
            .answer(.tooManyRequests, headers: ["Retry-After": "1"], message: "API rate limit exceeded"),
            .answer(.internalServerError, headers: [:], message: "Server Error"),
            .processThenHang,
        ])
        try await standIn.application().test(.live) { gitHub in
            let port = gitHub.port!
            await standIn.setBase("http://127.0.0.1:\(port)")
            try await withHTTPClient { httpClient in
                // Long enough that a 429 or a 500 is never taken for a timeout under a full test run's load (a
                // timed-out create is looked for before it is repeated, which is what the hang is for).
                let firebell = try Self.firebell(folder, port: port, httpClient: httpClient, timeout: .seconds(2))
                try await firebell.application(port: 0).test(.live) { _ in
                    _ = await Self.run(firebell, "declare sev2 Checkout down")
                    _ = await Self.run(firebell, "action add Add a canary @bob due: 2026-12-15")
                    #expect(await firebell.outbox.flush(timeout: .seconds(30)))
                    #expect(await standIn.issues.count == 1, "429, 500 and a create that timed out after it was made: one issue")
                    // After the 500 (which may have been processed) and after the timeout, a retry looks before it
                    // creates; the third create was made, so the look after it finds it and there is no fourth.
                    let methods = await standIn.calls.map(\.method)
                    #expect(Array(methods.prefix(3)) == ["POST", "POST", "GET"], "\(methods)")
                    #expect(methods.filter { $0 == "POST" }.count == 3 && methods.last == "GET", "\(methods)")
                    #expect(await Self.item(firebell, 1)?.tracker?.key == "#1")
                }
            }
        }
    }

    @Test func aRestartBetweenTheCreateAndTheAnswerLeavesExactlyOneIssue() async throws {
        let standIn = GitHubStandIn(faults: [.processThenHang])
        try await TrackerScenarios.aRestartBetweenTheCreateAndTheAnswerLeavesOneIssue(standIn, key: "#1") {
            try Self.firebell($0, port: $1, httpClient: $2, timeout: $3)
        }
    }

    @Test func configuringTheTrackerOnAnOldFolderFilesOnlyNewItems() async throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        // Months of history without a tracker: an incident with an open action item.
        let before = try IncidentService(configuration: FirebellConfiguration.inPlace(folder.url), logger: quietLogger())
        _ = await before.run("declare sev2 Old outage", in: Self.channel, as: "carol")
        _ = await before.run("action add Old follow-up @bob due: 2026-12-15", in: Self.channel, as: "carol")
        _ = await before.run("resolve", in: Self.channel, as: "carol")
        let standIn = GitHubStandIn()
        try await standIn.application().test(.live) { gitHub in
            try await withHTTPClient { httpClient in
                let firebell = try Self.firebell(folder, port: gitHub.port!, httpClient: httpClient)
                try await firebell.application(port: 0).test(.live) { _ in
                    #expect(await firebell.outbox.flush(timeout: .seconds(20)))
                    _ = await Self.run(firebell, "declare sev2 New outage")
                    _ = await Self.run(firebell, "action add New follow-up @bob due: 2026-12-16")
                    #expect(await firebell.outbox.flush(timeout: .seconds(20)))
                }
            }
        }
        #expect(await standIn.issues.map(\.title) == ["INC-2026-0002 follow-up: New follow-up"], "history is not filed")
    }
}
