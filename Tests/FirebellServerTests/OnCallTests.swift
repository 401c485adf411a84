import Foundation
import IncidentKit
import Messaging
import Platforms
import Testing

@testable import FirebellServer

@Suite("Paging, escalation, reports and handovers")
struct OnCallTests {
    static func configuration() -> FirebellConfiguration {
        var configuration = FirebellConfiguration()
        let rotation = Rotation(
            name: "payments",
            timeZone: TimeZone(identifier: "Europe/Berlin")!,
            length: .weekly,
            start: CalendarDate(parsing: "2026-11-16")!,
            levels: [[UserRef("alice"), UserRef("bob")], [UserRef("dana")], [UserRef("frank")], [UserRef("grace")]]
        )
        configuration.engine.oncall.rotations = [rotation]
        return configuration
    }

    static let signal = AlertSignal(
        source: "alertmanager",
        key: "{}:{alertname=\"HighErrorRate\"}",
        isFiring: true,
        title: "HighErrorRate: 5xx > 5%",
        severity: .sev1,
        service: "api",
        startedAt: TimerDrill.start.addingTimeInterval(-180),
        labels: ["alertname": "HighErrorRate", "severity": "critical"],
        links: ["http://prometheus:9090/graph"],
        firingCount: 1
    )

    func alert(_ drill: TimerDrill, _ signal: AlertSignal = OnCallTests.signal) async -> Answer {
        await drill.service.transactValid(ChannelInput(.input(.alert(signal)), in: drill.channel, by: Input.monitoring))
    }

    func incident(_ drill: TimerDrill) async -> Incident { await drill.service.state(of: drill.channel).latestIncident! }

    @Test func theAlertsRunbookIsInTheInitialAlertThePageAndTheSummary() async throws {
        let drill = try TimerDrill(configuration: Self.configuration())
        defer { drill.remove() }
        var signal = Self.signal
        signal.runbook = "https://wiki.example/runbooks/high-error-rate?team=a&b=1"
        let opened = await alert(drill, signal)
        let texts = opened.posts.map(\.text)
        #expect(texts.count == 2, "no separate notice for the runbook of a new incident")
        #expect(texts[0].contains("Runbook: https://wiki.example/runbooks/high-error-rate?team=a&b=1"), "\(texts[0])")
        #expect(texts[1].contains("Runbook: https://wiki.example/runbooks/high-error-rate?team=a&b=1"), "the page carries it")
        #expect(await drill.run("summary").reply?.contains("Runbook: https://wiki.example/runbooks/high-error-rate?team=a&b=1") == true)
        for hostile in ["javascript:alert(1)", "https://x.example/<!channel>", "https://x.example/a b", "ftp://x.example"] {
            signal.runbook = hostile
            #expect(signal.runbook == nil, "\(hostile) is not a link Firebell posts")
        }
    }

    @Test func aConfiguredRunbookForTheServiceIsShownWhenTheAlertNamesNone() async throws {
        var configuration = Self.configuration()
        configuration.runbooks = Runbooks(["api": "https://wiki.example/runbooks/api"])
        let drill = try TimerDrill(configuration: configuration)
        defer { drill.remove() }
        let opened = await alert(drill)
        #expect(opened.posts.first?.text.contains("Runbook: https://wiki.example/runbooks/api") == true)
        _ = await drill.run("declare sev3 Unrelated", as: "carol")
        let other = await drill.service.run(
            "declare sev3 Disk slow systems: db",
            in: ChannelRef(platform: .console, workspace: "local", channel: "db"),
            as: "carol"
        )
        #expect(other.posts.allSatisfy { !$0.text.contains("Runbook:") }, "no runbook for a system without one")
    }

    @Test func anUnacknowledgedPageEscalatesFromL1ToL4ThenAlertsTheChannel() async throws {
        let drill = try TimerDrill(configuration: Self.configuration())
        defer { drill.remove() }
        let opened = await alert(drill)
        #expect(opened.result == .accepted)
        let texts = opened.posts.map(\.text)
        #expect(texts.count == 2, "the Initial Alert and the page, nothing else")
        #expect(texts[0].contains("Status: Triage"))
        #expect(texts[0].contains("Detected: auto-detected by alertmanager at 2026-11-18 11:06 UTC (failing since 2026-11-18 11:03 UTC)"))
        #expect(
            texts[1].hasPrefix(
                "📟 @alice you are paged: L1 on call for payments, INC-2026-0001 (SEV1: HighErrorRate: 5xx > 5%). Acknowledge within 5 min with /incident ack, or L2 is paged."
            )
        )
        var posted: [String] = []
        for _ in 0..<6 { posted += await drill.advance(minutes: 5).filter { $0.hasPrefix("📟") || $0.hasPrefix("🚨") } }
        #expect(posted.count == 4, "\(posted)")
        #expect(posted[0].hasPrefix("📟 @dana you are paged: L2"))
        #expect(posted[1].hasPrefix("📟 @frank you are paged: L3"))
        #expect(posted[2].hasPrefix("📟 @grace you are paged: L4"))
        #expect(posted[2].contains("or the whole channel is alerted"))
        #expect(
            posted[3]
                == "🚨 @here Nobody has acknowledged INC-2026-0001 (SEV1: HighErrorRate: 5xx > 5%) (paged L1 @alice, L2 @dana, L3 @frank, L4 @grace). Whoever can take it: /incident ack"
        )
        let pages = await incident(drill).pages
        #expect(pages.map(\.level) == [1, 2, 3, 4])
        #expect(pages.map { $0.at.timeIntervalSince(TimerDrill.start) } == [0, 300, 600, 900], "each step an event at its deadline")
    }

    @Test func anAcknowledgementStopsTheEscalation() async throws {
        let drill = try TimerDrill(configuration: Self.configuration())
        defer { drill.remove() }
        _ = await alert(drill)
        drill.clock.advance(by: 240)
        let ack = await drill.run("ack", as: "alice")
        #expect(ack.result == .accepted)
        let after = await incident(drill)
        #expect(after.status == .investigating, "acknowledging confirms the triage")
        #expect(after.detectedAt == TimerDrill.start.addingTimeInterval(-180), "detected = when the alert started failing")
        var posted: [String] = []
        for _ in 0..<4 { posted += await drill.advance(minutes: 5) }
        #expect(!posted.contains { $0.contains("paged") }, "\(posted)")
        #expect(await incident(drill).pages.count == 1)
        let metrics = ResponseMetrics(incident: await incident(drill))
        #expect(metrics.timeToAcknowledge == .minutes(7), "from failure (3 min before detection) to acknowledgement")
        await drill.run("resolve", as: "alice")
        let draft = try #require(await drill.run("postmortem").reply)
        #expect(draft.contains("- The failure started at 2026-11-18 11:03 UTC (the alert's start); time from failure to detection: 3 min."))
        #expect(draft.contains("| Time to acknowledge | 7 min |"))
    }

    @Test func escalatingByHand() async throws {
        let drill = try TimerDrill(configuration: Self.configuration())
        defer { drill.remove() }
        let declared = await drill.run("declare sev1 Checkout down")
        #expect(declared.posts.contains { $0.text.hasPrefix("📟 @alice you are paged: L1") }, "a hand-declared SEV1 pages L1 too")
        let next = await drill.run("escalate")
        #expect(next.posts.contains { $0.text.hasPrefix("📟 @dana you are paged: L2") })
        let named = await drill.run("escalate @zoe")
        #expect(named.posts.contains { $0.text.hasPrefix("📟 @zoe you are paged by name") })
        let top = await drill.run("escalate L4")
        #expect(top.posts.contains { $0.text.hasPrefix("📟 @grace you are paged: L4") })
        #expect(await drill.run("declare sev3 Minor", as: "x").result == .refused)
        let view = try #require(await drill.run("oncall").reply)
        #expect(view.contains("On call for payments (weekly shifts, hand-off 09:00 Europe/Berlin):"))
        #expect(view.contains("L1 on-call engineer: @alice, next @bob from 2026-11-23 08:00 UTC"))
        #expect(view.contains("L4 director: @grace"))
    }

    @Test func aSEV3DeclaredByHandDoesNotPage() async throws {
        let drill = try TimerDrill(configuration: Self.configuration())
        defer { drill.remove() }
        let declared = await drill.run("declare sev3 Slow reports")
        #expect(!declared.posts.contains { $0.isPage })
    }

    @Test func slackPagesAlsoGoByDirectMessage() async throws {
        let drill = try TimerDrill(configuration: Self.configuration())
        defer { drill.remove() }
        let slack = ChannelRef(platform: .slack, workspace: "T0", channel: "C0INC")
        let outcome = try await drill.service.transact(ChannelInput(.input(.alert(Self.signal)), in: slack, by: Input.monitoring))
        #expect(outcome.audiencePosts(excluding: slack).map(\.channel) == [ChannelRef(platform: .slack, workspace: "T0", channel: "alice")])
        #expect(outcome.audiencePosts(excluding: slack)[0].posts[0].text.contains("you are paged"))
    }

    @Test func reportsAreDeclaredFromOrDismissed() async throws {
        let drill = try TimerDrill(configuration: Self.configuration())
        defer { drill.remove() }
        #expect(await drill.run("report Customers say the EU checkout page times out", as: "support").result == .accepted)
        #expect(await drill.run("report One user cannot log in", as: "support").result == .accepted)
        let list = try #require(await drill.run("reports").reply)
        #expect(list.contains("1. Customers say the EU checkout page times out (by @support, 2026-11-18 11:06 UTC)"))
        drill.clock.advance(by: 600)
        #expect(await drill.run("dismiss 2 a single customer's network").result == .accepted)
        #expect(await drill.run("dismiss 2").reply == "✗ Report 2 was already handled.")
        let declared = await drill.run("declare sev2 from: 1", as: "alice")
        #expect(declared.result == .accepted)
        let incident = await incident(drill)
        #expect(incident.title == "Customers say the EU checkout page times out")
        #expect(incident.detectedAt == TimerDrill.start, "detected when the customer reported it, 10 min before the declaration")
        #expect(await drill.run("reports").reply == "No open reports in this channel.")
        #expect(await drill.run("declare sev2 Again from: 1").result == .refused)
    }

    @Test func aHandoverIsRemindedUntilTheNextOnCallAcknowledgesIt() async throws {
        let drill = try TimerDrill(configuration: Self.configuration())
        defer { drill.remove() }
        await drill.run("declare sev3 Disk filling up")
        await drill.run("action add Add an alert on disk usage @carol due: 2026-12-01")
        let handover = await drill.run("handover @bob Disk on db-3 is at 85%, watch it; failover runbook in the wiki", as: "alice")
        let note = try #require(handover.posts.first { $0.isPage }?.text)
        #expect(note.contains("On-call handover from @alice to @bob"))
        #expect(note.contains("Notes: Disk on db-3 is at 85%, watch it; failover runbook in the wiki"))
        #expect(note.contains("Current issues: INC-2026-0001 SEV3 “Disk filling up”, Investigating"))
        #expect(note.contains("Items to watch: INC-2026-0001 #1 Add an alert on disk usage (@carol)"))
        #expect(note.contains("@bob please acknowledge with: /incident handover ack"))
        let reminder = await drill.advance(minutes: 15)
        #expect(reminder.contains { $0.hasPrefix("🤝 @bob the on-call handover from @alice") && $0.contains("(reminder 1)") })
        #expect(await drill.run("handover ack", as: "carol").reply == "✗ The handover is for @bob; only they can acknowledge it.")
        #expect(await drill.run("handover ack", as: "bob").result == .accepted)
        #expect(await drill.advance(minutes: 60).allSatisfy { !$0.contains("handover") })
        #expect(await drill.run("handover ack", as: "bob").reply == "✗ There is no handover waiting for acknowledgement in this channel.")
    }

    @Test func anUnacknowledgedHandoverIsRemindedAtMostFourTimes() async throws {
        let drill = try TimerDrill(configuration: Self.configuration())
        defer { drill.remove() }
        await drill.run("handover @bob quiet week", as: "alice")
        var reminders: [String] = []
        for _ in 0..<8 { reminders += await drill.advance(minutes: 15).filter { $0.contains("handover") } }
        #expect(reminders.count == 4)
        #expect(await drill.service.state(of: drill.channel).handover?.remindersSent == 4)
    }
}
