import Foundation
import Testing
@testable import FirebellServer
import IncidentKit
import Messaging

@Suite("Stakeholder audiences")
struct AudienceTests {
    static let execs = ChannelRef(platform: "slack", workspace: "default", channel: "C0EXEC")
    static let customers = ChannelRef(platform: "console", workspace: "local", channel: "customers")
    static let status = ChannelRef(platform: "console", workspace: "local", channel: "status")

    func drill() throws -> TimerDrill {
        var configuration = FirebellConfiguration()
        configuration.stakeholderChannels = ["executives": [Self.execs], "customers": [Self.customers], "status": [Self.status]]
        return try TimerDrill(configuration: configuration)
    }

    func summary(_ outcome: CommandOutcome) -> [String] {
        outcome.audiencePosts.flatMap { group in group.posts.map { "\(group.channel.channel) \($0.purpose.rawValue) \($0.offersActions)" } }
    }

    @Test func eachSeverityReachesItsAudiencesAndNotesNever() async throws {
        let drill = try drill()
        defer { drill.remove() }
        let declared = await drill.run("declare sev2 Checkout returns 500s")
        #expect(summary(declared) == ["status alert false"], "SEV2 goes to the status channel, without buttons")
        #expect(declared.audiencePosts[0].posts[0].text.contains("Initial Alert"))
        #expect(await drill.run("note internal: db password rotated").audiencePosts.isEmpty)
        #expect(await drill.run("action add Rotate keys @bob due: 2026-12-01").audiencePosts.isEmpty)
        #expect(await drill.run("role ic @alice").audiencePosts.isEmpty, "headline edits stay in the incident channel")
        let update = await drill.run("update Rolled back", as: "alice")
        #expect(summary(update) == ["status stakeholder false"])

        let raised = await drill.run("sev 1 all regions", as: "alice")
        #expect(summary(raised) == ["C0EXEC alert false", "customers alert false"],
                "new audiences first get the Initial Alert as it reads now; the status channel is not a SEV1 audience")
        let slackAlert = raised.audiencePosts[0].posts[0].text
        #expect(slackAlert.contains("*Severity:* SEV1"), "rendered in the audience platform's markup (Slack): \(slackAlert)")
        #expect(slackAlert.contains("Rolled back") || slackAlert.contains("Next Update"))

        let second = await drill.run("update Failing over", as: "alice")
        #expect(summary(second) == ["C0EXEC stakeholder false", "customers stakeholder false"])
        #expect(await drill.run("resolve", as: "alice").audiencePosts.map(\.channel) == [Self.execs, Self.customers])
    }

    @Test func holdingUpdatesReachTheAudiences() async throws {
        let drill = try drill()
        defer { drill.remove() }
        await drill.run("declare sev1 Down")
        await drill.run("role ic @alice")
        drill.clock.advance(by: 15 * 60)
        let reminder = await drill.service.fireDueTimers(now: drill.clock.now())
        #expect(reminder.flatMap(\.posts).contains { $0.purpose == .reminder })
        #expect(reminder.flatMap(\.audiencePosts).isEmpty, "reminders stay in the incident channel")
        drill.clock.advance(by: 15 * 60)
        let audience = await drill.service.fireDueTimers(now: drill.clock.now()).flatMap(\.audiencePosts)
        #expect(audience.map(\.channel) == [Self.execs, Self.customers])
        #expect(audience.allSatisfy { $0.posts.count == 1 && $0.posts[0].text.contains("Status Update") })
    }

    @Test func aPrivateIncidentReachesNoAudience() async throws {
        let drill = try drill()
        defer { drill.remove() }
        await drill.run("declare sev1 Payroll data exposed")
        #expect(await drill.run("private on").audiencePosts.isEmpty)
        #expect(await drill.run("update Contained").audiencePosts.isEmpty)
        let published = await drill.run("private off")
        #expect(summary(published) == ["C0EXEC alert false", "customers alert false"], "made public: the audiences are told once")
    }
}
