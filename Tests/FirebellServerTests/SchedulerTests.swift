import Foundation
import IncidentKit
import Testing

@testable import FirebellServer

@Suite("Update clock and reminders")
struct SchedulerTests {
    @Test(arguments: [(Severity.sev1, 15.0), (.sev2, 30.0), (.sev3, 120.0)])
    func reminderThenNudgeThenHoldingPostPerSeverity(severity: Severity, cadence: Double) async throws {
        // The stages at any hour (SEV3's business hours have their own tests).
        var configuration = FirebellConfiguration()
        configuration.engine.severities.policies[.sev3]?.responseWindow = .always
        let drill = try TimerDrill(configuration: configuration)
        defer { drill.remove() }
        await drill.run("declare sev\(severity.rawValue) Checkout down")
        await drill.run("role ic @alice")
        await drill.run("role comms @dana")
        #expect(drill.nextDeadlineMinute == cadence, "first update due one cadence after declaration")

        #expect(await drill.advance(minutes: cadence - 1).isEmpty, "nothing before it is due")
        let reminder = await drill.advance(minutes: 1)
        #expect(reminder.count == 1)
        #expect(reminder[0].hasPrefix("⏰ @alice The next Status Update for INC-2026-0001 (\(severity): Checkout down) is due now."))
        #expect(reminder[0].contains("/incident update <what changed>"))
        #expect(!reminder[0].contains("not running on time"))
        #expect(await drill.fire().isEmpty, "fired once")

        #expect(await drill.advance(minutes: cadence / 2 - 1).isEmpty)
        let nudge = await drill.advance(minutes: 1)
        #expect(nudge.count == 1)
        #expect(nudge[0].hasPrefix("⏰ Second reminder, @alice @dana: the Status Update for INC-2026-0001"))

        #expect(await drill.advance(minutes: cadence / 2 - 1).isEmpty)
        let holding = await drill.advance(minutes: 1)
        #expect(holding.count == 1)
        let f = fields(holding[0])
        let declared = TimerDrill.start
        let heldAt = declared.addingTimeInterval(cadence * 2 * 60)
        let nextAt = heldAt.addingTimeInterval(cadence * 60)
        #expect(f["Status"] == "In Progress - Investigating")
        #expect(
            f["Update"]
                == "Status unchanged: Investigating. No new information since \(UTC.minute(declared)). Next update by \(UTC.clock(nextAt)) UTC."
        )
        #expect(f["Next Update"] == UTC.minute(nextAt))
        // The holding post restarts the clock: the next reminder is one cadence later.
        #expect(drill.nextDeadlineMinute == cadence * 3)
        let state = await drill.service.state(of: drill.channel)
        #expect(state.activeIncident?.holdingUpdateCount == 1)
    }

    @Test func sev4HasNoUpdateClock() async throws {
        let drill = try TimerDrill()
        defer { drill.remove() }
        await drill.run("declare sev4 Typo on pricing page")
        #expect(await drill.advance(minutes: 600).isEmpty)
        let oneWeek: Double = 7 * 24 * 60
        #expect(drill.nextDeadlineMinute == oneWeek, "only the one-week target resolution warning is armed")
    }

    @Test func aStatusUpdateRestartsTheClock() async throws {
        let drill = try TimerDrill()
        defer { drill.remove() }
        await drill.run("declare sev2 Down")
        await drill.run("role ic @alice")
        _ = await drill.advance(minutes: 20)
        let update = await drill.run("update Found the cause", as: "alice")
        #expect(fields(update.posts[0].text)["Next Update"] == UTC.minute(TimerDrill.start.addingTimeInterval(50 * 60)))
        #expect(await drill.advance(minutes: 10).isEmpty, "the old due time (30 min) no longer fires")
        #expect(drill.nextDeadlineMinute == 50)
        let reminder = await drill.advance(minutes: 20)
        #expect(reminder.count == 1 && reminder[0].contains("is due now"))
    }

    @Test func noReminderWithinFiveMinutesOfAnUpdate() async throws {
        let drill = try TimerDrill()
        defer { drill.remove() }
        await drill.run("declare sev1 Down")
        await drill.run("role ic @alice")
        await drill.run("update Rolling back next: 3m", as: "alice")
        #expect(await drill.advance(minutes: 3).isEmpty, "an update 3 min ago: no reminder at due")
        let nudge = await drill.advance(minutes: 7.5)
        #expect(nudge.count == 1 && nudge[0].hasPrefix("⏰ Second reminder"), "the overdue path still runs")
    }

    @Test func raisingSeverityReDerivesTheDueTimeAtOnce() async throws {
        let drill = try TimerDrill()
        defer { drill.remove() }
        await drill.run("declare sev3 Slow search")
        await drill.run("role ic @alice")
        #expect(drill.nextDeadlineMinute == 120)
        _ = await drill.advance(minutes: 20)
        await drill.run("sev 1 spreading to checkout")
        #expect(drill.nextDeadlineMinute == 20, "SEV1's 15 min cadence is already past: due now, not in 100 min")
        let reminder = await drill.fire()
        #expect(reminder.count == 1 && reminder[0].contains("(SEV1: Slow search) is due now"))
        await drill.run("sev 3 contained", as: "alice")
        #expect(drill.nextDeadlineMinute == 120, "lowering re-derives too: declared + 2 h")
    }

    @Test func snoozeDefersRemindersAndIsLogged() async throws {
        let drill = try TimerDrill()
        defer { drill.remove() }
        await drill.run("declare sev1 Down")
        await drill.run("role ic @alice")
        _ = await drill.advance(minutes: 10)
        let snooze = await drill.run("snooze 30m", as: "alice")
        #expect(snooze.posts.map(\.text) == ["INC-2026-0001: @alice snoozed update reminders until 2026-11-18 11:46 UTC"])
        // Due at 15 min, snoozed until 40 min; the holding post (at 30 min) still keeps stakeholders informed.
        #expect(await drill.advance(minutes: 5).isEmpty)
        let holding = await drill.advance(minutes: 15)
        #expect(holding.count == 1 && holding[0].contains("Status unchanged"))
        let timeline = await drill.run("timeline")
        #expect(timeline.reply?.contains("@alice snoozed update reminders until 2026-11-18 11:46 UTC") == true)
        #expect(timeline.reply?.contains("@firebell posted a holding Status Update") == true)
    }

    @Test func snoozedReminderFiresWhenTheSnoozeEnds() async throws {
        let drill = try TimerDrill()
        defer { drill.remove() }
        await drill.run("declare sev2 Down")
        await drill.run("role ic @alice")
        _ = await drill.advance(minutes: 25)
        await drill.run("snooze 10m", as: "alice")
        #expect(await drill.advance(minutes: 9).isEmpty, "due at 30, snoozed until 35")
        let reminder = await drill.advance(minutes: 1)
        #expect(reminder.count == 1 && reminder[0].contains("is due now") && !reminder[0].contains("not running on time"))
    }

    @Test func remindOffAndCustomInterval() async throws {
        let drill = try TimerDrill()
        defer { drill.remove() }
        await drill.run("declare sev2 Down")
        await drill.run("role ic @alice")
        await drill.run("remind off", as: "alice")
        #expect(await drill.advance(minutes: 200).isEmpty, "no reminder, nudge or holding post; target resolution is 4 h")
        await drill.run("remind 10m", as: "alice")
        #expect(drill.nextDeadlineMinute == 200, "10 min after the clock start is long past: due now")
        let reminder = await drill.fire()
        #expect(reminder.count == 1 && reminder[0].contains("is due now"), "a reminder, not a sudden holding post")
        await drill.run("update Still on it", as: "alice")
        #expect(drill.nextDeadlineMinute == 210, "the custom interval also sets the promised next update")
    }

    @Test func remindersGoToTheChannelWhenThereIsNoIC() async throws {
        let drill = try TimerDrill()
        defer { drill.remove() }
        await drill.run("declare sev3 Down")
        let reminder = await drill.advance(minutes: 120)
        #expect(reminder.first?.hasPrefix("⏰ @here The next Status Update") == true)
    }

    @Test func firesExactlyOnceAcrossARestart() async throws {
        let drill = try TimerDrill()
        defer { drill.remove() }
        await drill.run("declare sev2 Down")
        await drill.run("role ic @alice")
        #expect(await drill.advance(minutes: 30).count == 1)
        let restarted = try drill.restarted()
        #expect(await restarted.fire().isEmpty, "the reminder in the log is not sent again")
        #expect(restarted.nextDeadlineMinute == 45, "the restart re-derives the next stage")
        #expect(await restarted.advance(minutes: 15).count == 1)
        let events = try await restarted.service.records(of: restarted.channel).filter {
            if case .reminderSent = $0.event { true } else { false }
        }
        #expect(events.count == 2)
    }

    @Test func aRestartBeforeTheTimerFiredFiresItOnce() async throws {
        let drill = try TimerDrill()
        defer { drill.remove() }
        await drill.run("declare sev2 Down")
        await drill.run("role ic @alice")
        drill.clock.advance(by: 31 * 60)  // due at 30 min; the process is down at that moment
        let restarted = try drill.restarted()
        let posts = await restarted.fire()
        #expect(posts.count == 1)
        #expect(posts[0].contains("(Firebell was not running on time: this was due at 2026-11-18 11:36 UTC, 1 min ago.)"))
        #expect(await restarted.fire().isEmpty)
    }

    @Test func aLongDowntimeIsCaughtUpOnceNotInABurst() async throws {
        let drill = try TimerDrill()
        defer { drill.remove() }
        await drill.run("declare sev1 Checkout down")
        drill.clock.advance(by: 3 * 3600)  // down for three hours: every stage, the IC nudge and the target have passed
        let restarted = try drill.restarted()
        let posts = await restarted.fire()
        #expect(posts.count == 3)
        #expect(
            posts.filter { $0.contains("Status Update") && $0.contains("Status unchanged") }.count == 1,
            "one holding post, not reminder + nudge + holding"
        )
        #expect(
            posts.contains {
                $0.hasPrefix("👤 @here INC-2026-0001 (SEV1: Checkout down) has no Incident Commander yet") && $0.contains("2 h 55 min ago")
            }
        )
        #expect(posts.contains { $0.hasPrefix("⌛ @here INC-2026-0001") && $0.contains("target resolution time of 1 h") && $0.contains("2 h ago") })
        #expect(await restarted.fire().isEmpty)
        #expect(restarted.nextDeadlineMinute == 195, "the next update is one cadence after the holding post")
    }

    @Test func noCommanderNudgeOnlyForSevereIncidentsWithoutIC() async throws {
        let drill = try TimerDrill()
        defer { drill.remove() }
        await drill.run("declare sev2 Down")
        let nudge = await drill.advance(minutes: 5)
        #expect(nudge == ["👤 @here INC-2026-0001 (SEV2: Down) has no Incident Commander yet. Take the role: /incident role ic @you"])
        await drill.run("resolve")

        await drill.run("declare sev2 Again")
        await drill.run("role ic @alice")
        #expect(await drill.advance(minutes: 5).isEmpty, "an IC was assigned in time")
        await drill.run("resolve", as: "alice")

        await drill.run("declare sev3 Minor")
        #expect(await drill.advance(minutes: 5).isEmpty, "SEV3 does not need an IC within minutes")
    }

    @Test func actionItemsAreRemindedDailyUntilDone() async throws {
        let drill = try TimerDrill()
        defer { drill.remove() }
        await drill.run("declare sev3 Down")
        await drill.run("action add Add a test @bob due: 2026-11-19")
        await drill.run("resolve root cause: a bug")
        await drill.run("postmortem")
        // Due day 2026-11-19 at 09:00 UTC is 21 h 53 min 20 s after the start.
        let first = await drill.advance(minutes: 21 * 60 + 54)
        #expect(first == ["📋 @bob Action item 1 of INC-2026-0001 is due (2026-11-19): Add a test. When it is done: /incident action done 1"])
        #expect(await drill.advance(minutes: 23 * 60).isEmpty)
        #expect(await drill.advance(minutes: 60).count == 1, "again the next day")
        await drill.run("action done 1", as: "bob")
        #expect(await drill.advance(minutes: 48 * 60).isEmpty)
    }

    @Test func missingPostmortemIsRemindedAfterThreeDays() async throws {
        let drill = try TimerDrill()
        defer { drill.remove() }
        // SEV2: at any hour (a SEV3 resolved on a Wednesday would be reminded after the weekend).
        await drill.run("declare sev2 Down")
        await drill.run("role ic @alice")
        await drill.run("resolve", as: "alice")
        var posts: [String] = []
        for _ in 0..<(3 * 24) { posts += await drill.advance(minutes: 60) }
        #expect(posts.filter { $0.hasPrefix("📝 @alice INC-2026-0001") }.count == 1)

        await drill.run("declare sev3 Again")
        await drill.run("resolve")
        await drill.run("postmortem")
        #expect(await drill.advance(minutes: 4 * 24 * 60).isEmpty, "a drafted postmortem needs no reminder")
    }

    @Test func heldPostsAndStepsAreConfigurablePerSeverity() async throws {
        var configuration = FirebellConfiguration()
        configuration.engine.severities.policies[.sev2]?.holdingPost = false
        configuration.engine.severities.policies[.sev2]?.nudgeAfter = .minutes(5)
        let drill = try TimerDrill(configuration: configuration)
        defer { drill.remove() }
        await drill.run("declare sev2 Down")
        await drill.run("role ic @alice")
        #expect(await drill.advance(minutes: 30).count == 1)
        let nudge = await drill.advance(minutes: 5)
        #expect(nudge.count == 1 && !nudge[0].contains("holding update"))
        #expect(await drill.advance(minutes: 120).filter { $0.contains("Status unchanged") }.isEmpty)
    }
}
