import Foundation
import IncidentKit
import Messaging
import Platforms
import Testing

@testable import FirebellServer

@Suite("Stakeholder audiences")
struct AudienceTests {
    static let execs = ChannelRef(platform: .slack, workspace: "default", channel: "C0EXEC")
    static let customers = ChannelRef(platform: .console, workspace: "local", channel: "customers")
    static let status = ChannelRef(platform: .console, workspace: "local", channel: "status")

    func drill() throws -> TimerDrill {
        var configuration = FirebellConfiguration()
        configuration.stakeholderChannels = ["executives": [Self.execs], "customers": [Self.customers], "status": [Self.status]]
        return try TimerDrill(configuration: configuration)
    }

    func summary(_ answer: Answer) -> [String] {
        audience(answer).flatMap { group in
            group.posts.map { "\(group.channel.channel) \($0.placement == .headline ? "alert" : "stakeholder") \($0.offersActions)" }
        }
    }

    func audience(_ answer: Answer) -> [(channel: ChannelRef, posts: [OutboundMessage])] {
        answer.audiencePosts(excluding: ChannelRef(platform: .console, workspace: "local", channel: "incident"))
    }

    @Test func eachSeverityReachesItsAudiencesAndNotesNever() async throws {
        let drill = try drill()
        defer { drill.remove() }
        let declared = await drill.run("declare sev2 Checkout returns 500s")
        #expect(summary(declared) == ["status alert false"], "SEV2 goes to the status channel, without buttons")
        #expect(audience(declared)[0].posts[0].text.contains("Initial Alert"))
        #expect(await drill.run("note internal: db password rotated").messages.filter { $0.channel != drill.channel }.isEmpty)
        #expect(await drill.run("action add Rotate keys @bob due: 2026-12-01").messages.filter { $0.channel != drill.channel }.isEmpty)
        #expect(
            await drill.run("role ic @alice").messages.filter { $0.channel != drill.channel }.isEmpty,
            "headline edits stay in the incident channel"
        )
        let update = await drill.run("update Rolled back", as: "alice")
        #expect(summary(update) == ["status stakeholder false"])

        let raised = await drill.run("sev 1 all regions", as: "alice")
        #expect(
            summary(raised) == ["C0EXEC alert false", "customers alert false"],
            "new audiences first get the Initial Alert as it reads now; the status channel is not a SEV1 audience"
        )
        let slackAlert = audience(raised)[0].posts[0].text
        #expect(slackAlert.contains("*Severity:* SEV1"), "rendered in the audience platform's markup (Slack): \(slackAlert)")
        #expect(slackAlert.contains("Rolled back") || slackAlert.contains("Next Update"))

        let second = await drill.run("update Failing over", as: "alice")
        #expect(summary(second) == ["C0EXEC stakeholder false", "customers stakeholder false"])
        #expect(audience(await drill.run("resolve", as: "alice")).map(\.channel) == [Self.execs, Self.customers])
    }

    @Test func holdingUpdatesReachTheAudiences() async throws {
        let drill = try drill()
        defer { drill.remove() }
        await drill.run("declare sev1 Down")
        await drill.run("role ic @alice")
        drill.clock.advance(by: 15 * 60)
        let reminder = await drill.service.fireDueTimers(now: drill.clock.now())
        #expect(reminder.flatMap(\.messages).contains { $0.placement == .thread && $0.channel == drill.channel })
        #expect(reminder.flatMap { self.audience($0) }.isEmpty, "reminders stay in the incident channel")
        drill.clock.advance(by: 15 * 60)
        let copies = await drill.service.fireDueTimers(now: drill.clock.now()).flatMap { self.audience($0) }
        #expect(copies.map(\.channel) == [Self.execs, Self.customers])
        #expect(copies.allSatisfy { $0.posts.count == 1 && $0.posts[0].text.contains("Status Update") })
    }

    @Test func aPrivateIncidentReachesNoAudience() async throws {
        let drill = try drill()
        defer { drill.remove() }
        await drill.run("declare sev1 Payroll data exposed")
        #expect(await drill.run("private on").messages.filter { $0.channel != drill.channel }.isEmpty)
        #expect(await drill.run("update Contained").messages.filter { $0.channel != drill.channel }.isEmpty)
        let published = await drill.run("private off")
        #expect(summary(published) == ["C0EXEC alert false", "customers alert false"], "made public: the audiences are told once")
    }
}
