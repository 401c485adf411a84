import Foundation
import IncidentKit
import Messaging
import Testing

@testable import FirebellServer

@Suite("Postmortem from a scripted incident")
struct PostmortemScenarioTests {
    /// Minute (from 11:06:40 UTC) → command and speaker. Timers fire every minute in between.
    static let script: [(Double, String, String)] = [
        (0, "declare sev1 Checkout returns 500s impact: card payments fail", "carol"),
        (3, "role ic @alice", "carol"),
        (4, "ack", "alice"),
        (14, "update Rolled back release 2026.11.3", "alice"),
        (46, "update Error rate falling, watching the canary", "alice"),
        (47, "action add Add integration test for the payment flow @bob due: 2026-12-15", "carol"),
        (48, "action add Alert on config drift @bob due: 2026-12-01", "carol"),
        (49, "snooze 30m", "alice"),
        (64, "mitigated Traffic back on the old release", "alice"),
        (69, "update Monitoring; error rate normal for 5 minutes", "alice"),
        (90, "resolve root cause: release 2026.11.3 shipped an untested config change", "alice"),
        (91, "action reassign 2 @dana", "carol"),
        (91, "action done 1", "bob"),
        (92, "learn good The page reached alice within a minute", "carol"),
        (92, "learn improve Finding the rollback command took 10 minutes", "alice"),
        (93, "why Checkout returned 500s because the payment client had no timeout", "alice"),
        (93, "why The timeout was removed by a config change", "alice"),
        (93, "why The config change was not covered by an integration test", "alice"),
        (94, "link INC-2026-0002 same config pipeline", "carol"),
        (95, "impact customers: 30% of EU card payments (about 12,000 orders) for 1.5 h", "alice"),
        (95, "impact revenue: ~€40k of orders delayed, none lost", "carol"),
        (95, "impact internal: support_queue grew by 300 tickets; *all* of L2 on it", "carol"),
        (96, "postmortem author @carol", "alice"),
    ]

    func runScript() async throws -> (TimerDrill, String) {
        let drill = try TimerDrill()
        let other = ChannelRef(platform: .console, workspace: "local", channel: "other")
        var minute = 0.0
        for (at, line, user) in Self.script {
            while minute < at {
                minute += 1
                _ = await drill.advance(minutes: 1)
                if minute == 20 {
                    _ = await drill.service.run("declare sev3 Config pipeline drift", in: other, as: "erin")
                }
            }
            let outcome = await drill.run(line, as: user)
            #expect(outcome.result == .accepted, "\(line): \(outcome.reply ?? "")")
        }
        let outcome = await drill.run("postmortem")
        return (drill, try #require(outcome.reply))
    }

    @Test func everyFigureIsMeasuredFromTheEvents() async throws {
        let (drill, draft) = try await runScript()
        defer { drill.remove() }
        #expect(draft.hasPrefix("# Postmortem: Checkout returns 500s (INC-2026-0001)"))
        #expect(draft.contains("_Blameless draft: people appear by role and action, never as causes"))
        #expect(draft.contains("- **Date:** 2026-11-18 11:06 UTC"))
        #expect(draft.contains("- **Duration:** 1 h 30 min"))
        #expect(draft.contains("- **Severity:** SEV1"))
        #expect(draft.contains("- **Incident Commander:** @alice"))
        #expect(draft.contains("- **Author:** @carol"))
        #expect(
            section("Impact", of: draft) == [
                "card payments fail",
                "- **Customers affected:** 30% of EU card payments (about 12,000 orders) for 1.5 h",
                "- **Revenue impact:** ~€40k of orders delayed, none lost",
                "- **Data impact:** _not recorded (/incident impact data: …)_",
                "- **Internal impact:** support_queue grew by 300 tickets; \\*all\\* of L2 on it",
            ],
            "user text stays readable: only what would format is escaped"
        )
        #expect(draft.contains("- **Contributors:** @carol, @alice, @bob"), "the bot is not a contributor")
        #expect(draft.contains("| Time to acknowledge | 4 min |"))
        #expect(draft.contains("| Time to mitigate | 1 h 4 min |"))
        #expect(draft.contains("| Time to resolve | 1 h 30 min |"))
        #expect(draft.contains("When the failure started is not recorded"))

        let compliance = section("Update compliance", of: draft)
        #expect(
            compliance.first
                == "2 of 5 expected updates were posted on time; 1 holding update(s) were posted by the bot; longest time without an update: 30 min."
        )
        #expect(
            compliance.filter { $0.hasPrefix("| 2026") } == [
                "| 2026-11-18 11:21 | 2026-11-18 11:20 | on time |",
                "| 2026-11-18 11:35 | 2026-11-18 11:50 | no update; holding post by the bot 15 min after |",
                "| 2026-11-18 12:05 | 2026-11-18 11:52 | on time |",
                "| 2026-11-18 12:07 | 2026-11-18 12:15 | late by 8 min |",
                "| 2026-11-18 12:30 | — | not posted before resolution |",
            ]
        )
        #expect(compliance.contains("- Reminders snoozed at 2026-11-18 11:55 UTC by @alice until 2026-11-18 12:25 UTC."))

        #expect(section("What went well", of: draft) == ["- The page reached alice within a minute"])
        #expect(section("What could be improved", of: draft) == ["- Finding the rollback command took 10 minutes"])
        #expect(
            section("Root cause analysis (5 Whys)", of: draft) == [
                "1. Why? Checkout returned 500s because the payment client had no timeout",
                "2. Why? The timeout was removed by a config change",
                "3. Why? The config change was not covered by an integration test",
            ]
        )
        #expect(
            section("Action items", of: draft).suffix(2) == [
                "| 1 | Add integration test for the payment flow | @bob | 2026-12-15 | done 2026-11-18 |",
                "| 2 | Alert on config drift | @dana | 2026-12-01 | open |",
            ]
        )
        #expect(section("Related incidents", of: draft) == ["- INC-2026-0002: same config pipeline"])
        #expect(section("Root cause", of: draft) == ["release 2026.11.3 shipped an untested config change"])
        let timeline = section("Timeline (UTC)", of: draft)
        #expect(
            timeline.prefix(3) == [
                "| Time | Event |", "|---|---|", "| 2026-11-18 11:06 | @carol declared SEV1 “Checkout returns 500s”, impact: card payments fail |",
            ]
        )
        #expect(timeline.contains("| 2026-11-18 11:50 | @firebell posted a holding Status Update: no update had come in by 2026-11-18 11:50 UTC |"))
        #expect(
            timeline.contains(
                "| 2026-11-18 12:41 | @alice recorded the customers affected: 30% of EU card payments (about 12,000 orders) for 1.5 h |"
            )
        )
        #expect(timeline.last == "| 2026-11-18 12:42 | @carol drafted the postmortem |")
    }

    @Test func complianceReplayedFromTheEventsTheInsightsKeepIsTheSame() async throws {
        // The insights keep only the events that move the update clock; with reminders, a snooze, a holding post and
        // a late update in the script, the replay must come out as from the whole log.
        let (drill, _) = try await runScript()
        defer { drill.remove() }
        let records = try await drill.service.records(of: drill.channel)
        let id = IncidentID(year: 2026, sequence: 1)
        let engine = drill.configuration.engine
        let whole = UpdateCompliance(records: records, incident: id, configuration: engine)
        let kept = UpdateCompliance(records: records.filter { Insights.keepsForCompliance($0.event) }, incident: id, configuration: engine)
        #expect(!whole.entries.isEmpty)
        #expect(kept.entries == whole.entries && kept.longestGap == whole.longestGap && kept.snoozes == whole.snoozes)
        #expect(records.filter { Insights.keepsForCompliance($0.event) }.count < records.count / 2, "most of the log is not kept")
    }

    @Test func theCommandLineDraftNamesLinkedIncidents() async throws {
        let (drill, _) = try await runScript()
        defer { drill.remove() }
        let (status, output) = await ChildProcess.output(
            CrashRecoveryTests.binary,
            arguments: ["postmortem", "INC-2026-0001", "--data", drill.folder.url.path],
            environment: [:],
            limit: 60
        )
        let text = String(decoding: output, as: UTF8.self)
        #expect(status == 0)
        #expect(text.contains("| Time to resolve | 1 h 30 min |"))
        #expect(text.contains("- INC-2026-0002 “Config pipeline drift”: same config pipeline"))
    }

    @Test func actionsAcrossIncidentsAndOverdueOnes() async throws {
        let (drill, _) = try await runScript()
        defer { drill.remove() }
        let incidents = await drill.service.incidentCatalog().map { ($0.incident, $0.names) }
        let all = ActionItemReport(incidents: incidents)
        #expect(all.rows.map { "\($0.incident) #\($0.item.number) \($0.item.owner)" } == ["INC-2026-0001 #2 @dana", "INC-2026-0001 #1 @bob"])
        #expect(ActionItemReport(incidents: incidents, overdueOn: CalendarDate(parsing: "2026-12-01")!).rows.isEmpty, "due that day is not overdue")
        let overdue = ActionItemReport(incidents: incidents, overdueOn: CalendarDate(parsing: "2026-12-16")!)
        #expect(overdue.rows.map(\.item.number) == [2], "item 1 is done")
        let table = overdue.text(overdueOnly: true).split(separator: "\n")
        #expect(table.count == 2)
        #expect(table[1].hasPrefix("2026-12-01  open    INC-2026-0001  2  @dana"))
        #expect(ActionItemReport(incidents: [], overdueOn: nil).text(overdueOnly: true) == "No overdue action items.")
    }

    /// The lines of a `## title` section, without blank lines.
    func section(_ title: String, of draft: String) -> [String] {
        let lines = draft.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        guard let start = lines.firstIndex(of: "## \(title)") else { return [] }
        return lines[(start + 1)...].prefix { !$0.hasPrefix("## ") }.filter { !$0.isEmpty }
    }
}
