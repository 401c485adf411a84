import Foundation
import IncidentKit
import Platforms
import Testing

@testable import FirebellServer

/// A role's new holder is told what the role is for, privately and once per incident, across restarts.
@Suite("Role briefings")
struct RoleBriefingTests {
    let slack = ChannelRef(platform: .slack, workspace: "T0", channel: "C0INC")

    func directMessages(_ answer: Answer, to user: String) -> [String] {
        answer.posts(in: ChannelRef(platform: .slack, workspace: "T0", channel: user)).map(\.text)
    }

    @Test func theAssigneeGetsTheChecklistPrivatelyOnce() async throws {
        let drill = try TimerDrill()
        defer { drill.remove() }
        _ = await drill.service.run("declare sev1 Checkout <!channel> down", in: slack, as: "carol")
        let assigned = await drill.service.run("role ic @alice", in: slack, as: "carol")
        let briefing = try #require(directMessages(assigned, to: "alice").first)
        let lines = briefing.split(separator: "\n").map(String.init)
        #expect(lines[0] == "📋 <@alice>, you are the Incident Commander of INC-2026-0001 (SEV1: Checkout &lt;!channel&gt; down). The role in short:")
        #expect(lines.dropFirst().map { String($0.prefix(2)) } == Array(repeating: "• ", count: 5))
        #expect(lines.contains { $0.contains("Do not fix things yourself") })
        #expect(!assigned.posts.contains { $0.text.hasPrefix("📋") }, "nothing in the channel: Slack can message the person")

        // Handing the role over and back, and across a restart: alice is not briefed again.
        #expect(directMessages(await drill.service.run("role ic @bob", in: slack, as: "alice"), to: "bob").count == 1)
        let restarted = try drill.restarted()
        let back = await restarted.service.run("role ic @alice", in: slack, as: "bob")
        #expect(back.result == .accepted)
        #expect(directMessages(back, to: "alice").isEmpty)
        let scribe = await restarted.service.run("role scribe @alice", in: slack, as: "bob")
        #expect(directMessages(scribe, to: "alice").first?.contains("you are the Scribe of INC-2026-0001") == true)
    }

    @Test func aConfiguredChecklistReplacesTheGuidesAndOffSendsNone() async throws {
        var configuration = FirebellConfiguration()
        configuration.briefings.checklists[.comms] = ["Post on the status page first; never <!here>."]
        configuration.briefings.checklists[.scribe] = []
        let drill = try TimerDrill(configuration: configuration)
        defer { drill.remove() }
        _ = await drill.service.run("declare sev2 Search slow", in: slack, as: "carol")
        let comms = await drill.service.run("role comms @dan", in: slack, as: "carol")
        let text = directMessages(comms, to: "dan").first ?? ""
        #expect(text.hasSuffix("The role in short:\n• Post on the status page first; never &lt;!here&gt;."), "\(text)")
        #expect(directMessages(await drill.service.run("role scribe @erin", in: slack, as: "carol"), to: "erin").isEmpty)
    }
}
