import Foundation
import IncidentKit
import Testing

@testable import FirebellServer

@Suite("Summary for someone joining late")
struct SummaryViewTests {
    @Test func oneScreenWithRolesLastUpdateNextDueAndOpenItems() async throws {
        let drill = try TimerDrill()
        defer { drill.remove() }
        await drill.run("declare sev2 Checkout returns 500s impact: card payments fail")
        await drill.run("role ic @alice")
        await drill.run("role comms @dana")
        await drill.run("status identified")
        drill.clock.advance(by: 300)
        await drill.run("update Rolled back the release next: 20m", as: "alice")
        await drill.run("action add Add an integration test @bob due: 2026-12-15")
        await drill.run("action add Alert on config drift @bob due: 2026-12-16")
        await drill.run("action done 1")
        let reply = try #require(await drill.run("summary", as: "erin").reply)
        let lines = reply.split(separator: "\n").map(String.init)
        #expect(lines.first == "INC-2026-0001: Checkout returns 500s")
        for expected in [
            "Severity: SEV2 (High)", "Status: Identified", "Impact: card payments fail",
            "Incident Commander: @alice", "Communications Lead: @dana",
            "Last update (2026-11-18 11:11 UTC): Rolled back the release",
            "Next update due: 2026-11-18 11:31 UTC",
            "  2. Alert on config drift (owner @bob, due 2026-12-16)",
        ] {
            #expect(lines.contains(expected), "\(expected) in\n\(reply)")
        }
        #expect(!reply.contains("Add an integration test"), "done items are not open")
    }
}
