import AsyncHTTPClient
import FirebellTestSupport
import Foundation
import Hummingbird
import HummingbirdTesting
import IncidentKit
import Testing

@testable import FirebellServer

/// A tracker's stand-in, as the shared scenarios drive it.
protocol TrackerStandIn: Actor {
    var issueCount: Int { get }
    func onCreate(_ action: @escaping @Sendable () -> Void)
    nonisolated func application() -> any ApplicationProtocol
}

/// The scenarios every tracker goes through: failures that are retried, and a crash between the tracker making the
/// issue and Firebell hearing of it. `firebell` makes a Firebell on a folder whose tracker is the stand-in at a port.
enum TrackerScenarios {
    typealias MakeFirebell = @Sendable (TemporaryFolder, Int, HTTPClient, Duration) throws -> FirebellApplication

    /// The stand-in answers the first creates with a 429, a 5xx, and one made but answered too late: one issue.
    static func failuresAreRetriedIntoOneIssue(_ standIn: some TrackerStandIn, key: String, firebell: MakeFirebell) async throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        try await standIn.application().test(.live) { tracker in
            try await withHTTPClient { httpClient in
                let firebell = try firebell(folder, tracker.port!, httpClient, .milliseconds(500))
                try await firebell.application(port: 0).test(.live) { _ in
                    _ = await GitHubTrackerTests.run(firebell, "declare sev1 Checkout down")
                    _ = await GitHubTrackerTests.run(firebell, "action add Add a canary @bob due: 2026-12-15")
                    #expect(await firebell.outbox.flush(timeout: .seconds(30)))
                    #expect(await standIn.issueCount == 1, "429, 5xx and a create that timed out after it was made: one issue")
                    #expect(await GitHubTrackerTests.item(firebell, 1)?.tracker?.key == key)
                }
            }
        }
    }

    /// The stand-in makes the issue and does not answer; Firebell dies then, and starts again: one issue, linked.
    static func aRestartBetweenTheCreateAndTheAnswerLeavesOneIssue(_ standIn: some TrackerStandIn, key: String, firebell: MakeFirebell) async throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        try await standIn.application().test(.live) { tracker in
            let port = tracker.port!
            let (created, createdSignal) = AsyncStream<Void>.makeStream()
            await standIn.onCreate { createdSignal.yield() }
            try await withHTTPClient { httpClient in
                let first = try firebell(folder, port, httpClient, .seconds(5))
                try await first.application(port: 0).test(.live) { _ in
                    _ = await GitHubTrackerTests.run(first, "declare sev1 Checkout down")
                    _ = await GitHubTrackerTests.run(first, "action add Add a canary @bob due: 2026-12-15")
                    var signals = created.makeAsyncIterator()
                    _ = await signals.next()
                    // The tracker has made the issue and not answered: the process dies now.
                    first.outbox.halt()
                }
                #expect(await standIn.issueCount == 1)
                let second = try firebell(folder, port, httpClient, .seconds(5))
                try await second.application(port: 0).test(.live) { _ in
                    // The start-up replays what the log still owes in the background: wait for the link, bounded.
                    try await eventually("the item linked after the restart", within: .seconds(20)) {
                        await GitHubTrackerTests.item(second, 1)?.tracker?.key == key
                    }
                    #expect(await second.outbox.flush(timeout: .seconds(20)))
                }
            }
        }
        #expect(await standIn.issueCount == 1, "exactly one issue")
    }
}

extension GitHubStandIn: TrackerStandIn {
    var issueCount: Int { issues.count }
    nonisolated func application() -> any ApplicationProtocol { makeApplication() }
}

extension JiraStandIn: TrackerStandIn {
    var issueCount: Int { issues.count }
    nonisolated func application() -> any ApplicationProtocol { makeApplication() }
}

extension LinearStandIn: TrackerStandIn {
    var issueCount: Int { issues.count }
    nonisolated func application() -> any ApplicationProtocol { makeApplication() }
}
