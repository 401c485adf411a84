import AsyncHTTPClient
import FirebellTestSupport
import Foundation
import HummingbirdTesting
import IncidentKit
import Platforms
import Testing

@testable import FirebellServer

/// Action items as Linear issues, through the outbox, against a stand-in that speaks Linear's GraphQL API.
@Suite("Action items in Linear", .timeLimit(.minutes(2)))
struct LinearTrackerTests {
    typealias Support = GitHubTrackerTests

    static func firebell(
        _ folder: TemporaryFolder,
        port: Int,
        httpClient: HTTPClient,
        apiKey: String = LinearStandIn.apiKey,
        timeout: Duration = .seconds(5)
    ) throws -> FirebellApplication {
        try Support.firebell(folder, httpClient: httpClient, timeout: timeout) { settings in
            settings.linearAPIKey = apiKey
            settings.linearTeamID = LinearStandIn.teamID
            settings.linearAPIURL = "http://127.0.0.1:\(port)/graphql"
        }
    }

    @Test func anItemBecomesALinearIssueShowsItsLinkIsUpdatedAndCompleted() async throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let standIn = LinearStandIn()
        try await standIn.application().test(.live) { linear in
            try await withHTTPClient { httpClient in
                let firebell = try Self.firebell(folder, port: linear.port!, httpClient: httpClient)
                try await firebell.application(port: 0).test(.live) { _ in
                    _ = await Support.run(firebell, "declare sev1 Checkout down")
                    _ = await Support.run(firebell, "action add Add a canary for the payment flow @bob due: 2026-12-15")
                    #expect(await firebell.outbox.flush(timeout: .seconds(20)))
                    let issue = try #require(await standIn.issues.first)
                    #expect(issue.identifier == "ENG-1" && issue.dueDate == "2026-12-15")
                    #expect(issue.title == "INC-2026-0001 follow-up: Add a canary for the payment flow")
                    #expect(issue.description.contains("Owner: @bob. Due: 2026-12-15."))
                    let link = try #require(await Support.item(firebell, 1)?.tracker)
                    #expect(link == TrackerLink(key: "ENG-1", url: "https://linear.app/acme/issue/ENG-1"))

                    _ = await Support.run(firebell, "action reassign 1 @dana")
                    _ = await Support.run(firebell, "action done 1", as: "dana")
                    #expect(await firebell.outbox.flush(timeout: .seconds(20)))
                    let after = try #require(await standIn.issues.first)
                    #expect(after.description.contains("Owner: @dana.") && after.stateID == "state-done")
                    #expect(await standIn.operations == ["IssueCreate", "IssueUpdate", "TeamStates", "IssueUpdate"])
                }
            }
        }
    }

    @Test func aBadKeyIsToldToTheOwnerOnce() async throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let standIn = LinearStandIn()
        try await standIn.application().test(.live) { linear in
            try await withHTTPClient { httpClient in
                let firebell = try Self.firebell(folder, port: linear.port!, httpClient: httpClient, apiKey: "revoked")
                try await firebell.application(port: 0).test(.live) { _ in
                    _ = await Support.run(firebell, "declare sev1 Checkout down")
                    _ = await Support.run(firebell, "action add Add a canary @bob due: 2026-12-15")
                    #expect(await firebell.outbox.flush(timeout: .seconds(20)))
                    let refusal = try #require(await Support.item(firebell, 1)?.trackerRefusal)
                    #expect(refusal == "Linear answered 400: Authentication required, not authenticated")
                    #expect(await standIn.operations == ["IssueCreate"])
                }
            }
        }
    }

    @Test func rateLimitsServerErrorsAndATimedOutCreateMakeOneIssue() async throws {
        let standIn = LinearStandIn(faults: [
            .answer(.tooManyRequests, headers: [:], message: "Rate limit exceeded"),
            .answer(.internalServerError, headers: [:], message: "Internal error"),
            .processThenHang,
        ])
        try await TrackerScenarios.failuresAreRetriedIntoOneIssue(standIn, key: "ENG-1") {
            try Self.firebell($0, port: $1, httpClient: $2, timeout: $3)
        }
    }

    @Test func aRestartBetweenTheCreateAndTheAnswerLeavesExactlyOneIssue() async throws {
        try await TrackerScenarios.aRestartBetweenTheCreateAndTheAnswerLeavesOneIssue(LinearStandIn(faults: [.processThenHang]), key: "ENG-1") {
            try Self.firebell($0, port: $1, httpClient: $2, timeout: $3)
        }
    }
}
