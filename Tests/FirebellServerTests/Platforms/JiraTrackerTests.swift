import AsyncHTTPClient
import FirebellTestSupport
import Foundation
import HummingbirdTesting
import IncidentKit
import Platforms
import Testing

@testable import FirebellServer

/// Action items as Jira Cloud issues, through the outbox, against a stand-in that speaks Jira's REST v3.
@Suite("Action items in Jira", .timeLimit(.minutes(2)))
struct JiraTrackerTests {
    typealias Support = GitHubTrackerTests

    static func firebell(
        _ folder: TemporaryFolder,
        port: Int,
        httpClient: HTTPClient,
        token: String = JiraStandIn.token,
        timeout: Duration = .seconds(5)
    ) throws -> FirebellApplication {
        try Support.firebell(folder, httpClient: httpClient, timeout: timeout) { settings in
            settings.jira = JiraIssues.Settings(
                url: "http://127.0.0.1:\(port)",
                email: JiraStandIn.email,
                apiToken: token,
                project: JiraStandIn.project
            )
        }
    }

    @Test func anItemBecomesAJiraIssueShowsItsLinkIsUpdatedAndTransitionedToDone() async throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let standIn = JiraStandIn()
        try await standIn.application().test(.live) { jira in
            let port = jira.port!
            try await withHTTPClient { httpClient in
                let firebell = try Self.firebell(folder, port: port, httpClient: httpClient)
                try await firebell.application(port: 0).test(.live) { _ in
                    _ = await Support.run(firebell, "declare sev1 Checkout down")
                    #expect(await Support.run(firebell, "action add Add a canary for the payment flow @bob due: 2026-12-15").result == .accepted)
                    #expect(await firebell.outbox.flush(timeout: .seconds(20)))
                    let issue = try #require(await standIn.issues.first)
                    #expect(issue.key == "OPS-1" && issue.issueType == "Task" && issue.duedate == "2026-12-15")
                    #expect(issue.summary == "INC-2026-0001 follow-up: Add a canary for the payment flow")
                    #expect(Array(issue.labels.prefix(2)) == ["incident", "INC-2026-0001"] && issue.labels.count == 3)
                    #expect(issue.labels.last?.hasPrefix("firebell-fb") == true, "the effect's marker label")
                    #expect(issue.descriptionText.contains("Owner: @bob. Due: 2026-12-15."))
                    let link = try #require(await Support.item(firebell, 1)?.tracker)
                    #expect(link == TrackerLink(key: "OPS-1", url: "http://127.0.0.1:\(port)/browse/OPS-1"))
                    #expect(await Support.run(firebell, "actions").reply?.contains("→ OPS-1 http://127.0.0.1:\(port)/browse/OPS-1") == true)

                    _ = await Support.run(firebell, "action reassign 1 @dana")
                    _ = await Support.run(firebell, "action done 1", as: "dana")
                    #expect(await firebell.outbox.flush(timeout: .seconds(20)))
                    let after = try #require(await standIn.issues.first)
                    #expect(after.descriptionText.contains("Owner: @dana."))
                    #expect(after.status == "Done", "moved through the transition named Done")
                    let calls = await standIn.calls.map { "\($0.method) \($0.path)" }
                    #expect(
                        calls == [
                            "POST /rest/api/3/issue", "PUT /rest/api/3/issue/OPS-1", "GET /rest/api/3/issue/OPS-1/transitions",
                            "POST /rest/api/3/issue/OPS-1/transitions",
                        ]
                    )
                }
            }
        }
    }

    @Test func aBadTokenIsToldToTheOwnerOnceAndNotRetried() async throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let standIn = JiraStandIn()
        try await standIn.application().test(.live) { jira in
            try await withHTTPClient { httpClient in
                let firebell = try Self.firebell(folder, port: jira.port!, httpClient: httpClient, token: "expired")
                try await firebell.application(port: 0).test(.live) { _ in
                    _ = await Support.run(firebell, "declare sev1 Checkout down")
                    _ = await Support.run(firebell, "action add Add a canary @bob due: 2026-12-15")
                    _ = await Support.run(firebell, "action done 1", as: "bob")
                    #expect(await firebell.outbox.flush(timeout: .seconds(20)))
                    let refusal = try #require(await Support.item(firebell, 1)?.trackerRefusal)
                    #expect(refusal.hasPrefix("Jira answered 401: You are not authenticated."))
                    #expect(await standIn.calls.count == 1, "refused for good: not retried, and nothing to close")
                }
            }
        }
    }

    @Test func rateLimitsServerErrorsAndATimedOutCreateMakeOneIssue() async throws {
        let standIn = JiraStandIn(faults: [
            .answer(.tooManyRequests, headers: [:], message: "Rate limit exceeded"),
            .answer(.serviceUnavailable, headers: [:], message: "unavailable"),
            .processThenHang,
        ])
        try await TrackerScenarios.failuresAreRetriedIntoOneIssue(standIn, key: "OPS-1") {
            try Self.firebell($0, port: $1, httpClient: $2, timeout: $3)
        }
    }

    @Test func aRestartBetweenTheCreateAndTheAnswerLeavesExactlyOneIssue() async throws {
        try await TrackerScenarios.aRestartBetweenTheCreateAndTheAnswerLeavesOneIssue(JiraStandIn(faults: [.processThenHang]), key: "OPS-1") {
            try Self.firebell($0, port: $1, httpClient: $2, timeout: $3)
        }
    }
}
