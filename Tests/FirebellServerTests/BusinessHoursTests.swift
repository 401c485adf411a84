import Foundation
import IncidentKit
import Platforms
import Testing

@testable import FirebellServer

/// SEV3 is handled in business hours and SEV4 from the next business day: their reminders and automatic pages wait
/// for the rotation's working hours (Mon–Fri 09:00–17:00, Europe/Berlin here) and then go out once.
@Suite("Business hours")
struct BusinessHoursTests {
    static func date(_ text: String) -> Date { ISOTimestamp.parse(text)! }
    /// Friday 16:00 in Berlin, summer time; the clocks go back on Sunday 2026-10-25.
    static let friday = date("2026-10-23T14:00:00Z")
    /// Monday 09:00 in Berlin, winter time: 08:00 UTC (a fixed +2 offset would say 07:00).
    static let mondayOpening = date("2026-10-26T08:00:00Z")

    func drill(at start: Date) throws -> TimerDrill {
        let drill = try TimerDrill(configuration: OnCallTests.configuration())
        drill.clock.set(start)
        return drill
    }

    /// Moves the clock to `date` and returns what the timers post.
    func fire(_ drill: TimerDrill, at date: Date) async -> [String] {
        drill.clock.set(date)
        return await drill.fire()
    }

    @Test func aSEV3sRemindersWaitOverTheWeekendAcrossTheClockChangeAndGoOutOnce() async throws {
        let drill = try drill(at: Self.friday)
        defer { drill.remove() }
        await drill.run("declare sev3 Reports export slow")
        await drill.run("role ic @alice")

        // By the cadence the update is due at 18:00 Friday, the target resolution passes at 16:00 Saturday.
        var weekend: [String] = []
        for hour in stride(from: 1, through: 65, by: 1) {
            weekend += await fire(drill, at: Self.friday.addingTimeInterval(Double(hour) * 3600 + 60))
        }
        #expect(weekend.isEmpty, "nothing from Friday 17:00 to Monday 09:00: \(weekend)")

        drill.clock.set(Self.date("2026-10-24T10:00:00Z"))
        let summary = try #require(await drill.run("summary").reply)
        #expect(
            summary.contains(
                "Next reminder: Status Update due, Monday 2026-10-26 09:00 Europe/Berlin (held: SEV3 is handled in business hours, Mon–Fri 09:00–17:00 Europe/Berlin)"
            ),
            "\(summary)"
        )
        #expect(summary.contains("Next update due: 2026-10-26 08:00 UTC"), "the update the stakeholders can expect, held too")

        #expect(await fire(drill, at: Self.mondayOpening.addingTimeInterval(-1)).isEmpty, "not a second early")
        let opening = await fire(drill, at: Self.mondayOpening)
        #expect(opening.count == 2, "the update reminder and the passed target, once each: \(opening)")
        #expect(opening[0].hasPrefix("⏰ @alice The next Status Update for INC-2026-0001 (SEV3: Reports export slow) is due now."))
        #expect(opening[1].hasPrefix("⌛ @alice INC-2026-0001"))
        #expect(opening.allSatisfy { !$0.contains("not running on time") }, "held, not late")
        #expect(await fire(drill, at: Self.mondayOpening.addingTimeInterval(59 * 60)).isEmpty, "fired once")
        let nudge = await fire(drill, at: Self.mondayOpening.addingTimeInterval(60 * 60))
        #expect(nudge.count == 1 && nudge[0].hasPrefix("⏰ Second reminder, @alice"), "the nudge its usual hour after: \(nudge)")
    }

    @Test func aSEV3AlertAtNightPagesWhoeverIsOnCallWhenBusinessHoursBegin() async throws {
        let saturdayNight = Self.date("2026-10-24T01:00:00Z")  // 03:00 in Berlin
        let drill = try drill(at: saturdayNight)
        defer { drill.remove() }
        var signal = OnCallTests.signal
        signal.severity = .sev3
        let opened = await drill.service.transactValid(ChannelInput(.input(.alert(signal)), in: drill.channel, by: Input.monitoring))
        #expect(!opened.posts.contains { $0.isPage }, "nobody is woken for a SEV3")
        #expect(opened.posts.first?.text.contains("Next Update: 2026-10-26 08:00 UTC") == true, "the Initial Alert promises what will happen")
        #expect(
            opened.posts.contains { $0.text.contains("Firebell held the L1 page until business hours begin (2026-10-26 08:00 UTC)") },
            "\(opened.posts.map(\.text))"
        )
        #expect(await fire(drill, at: Self.mondayOpening.addingTimeInterval(-60)).isEmpty)

        drill.clock.set(Self.mondayOpening)
        let answers = await drill.service.fireDueTimers(now: Self.mondayOpening)
        let pages = answers.flatMap { $0.posts(in: drill.channel) }.filter(\.isPage)
        let onCall = try #require(OnCallTests.configuration().engine.oncall.rotations.first?.member(level: 1, at: Self.mondayOpening))
        #expect(pages.count == 1 && pages[0].text.hasPrefix("📟 \(onCall) you are paged: L1"), "\(pages.map(\.text))")
        #expect(await fire(drill, at: Self.mondayOpening.addingTimeInterval(60)).isEmpty, "paged once")
        // The page waits for its acknowledgement like any other, inside business hours.
        let escalated = await fire(drill, at: Self.mondayOpening.addingTimeInterval(5 * 60))
        #expect(escalated.contains { $0.hasPrefix("📟 @dana you are paged: L2") })
    }

    @Test func aSEV1AlertAtNightPagesAtOnceAndAHeldPageIsDroppedOnceAcknowledged() async throws {
        let saturdayNight = Self.date("2026-10-24T01:00:00Z")
        let drill = try drill(at: saturdayNight)
        defer { drill.remove() }
        let urgent = await drill.service.transactValid(ChannelInput(.input(.alert(OnCallTests.signal)), in: drill.channel, by: Input.monitoring))
        #expect(urgent.posts.contains { $0.isPage }, "SEV1 responds at any hour")
        await drill.run("resolve")

        var signal = OnCallTests.signal
        signal.severity = .sev3
        signal.key = "{}:{alertname=\"SlowExports\"}"
        _ = await drill.service.transactValid(ChannelInput(.input(.alert(signal)), in: drill.channel, by: Input.monitoring))
        await drill.run("ack", as: "erin")
        #expect(await fire(drill, at: Self.mondayOpening).allSatisfy { !$0.contains("you are paged") }, "someone took it: no page")
    }

    @Test func aSEV4WaitsForTheNextBusinessDay() async throws {
        let wednesday = Self.date("2026-11-18T10:00:00Z")  // 11:00 in Berlin, inside business hours
        let drill = try drill(at: wednesday)
        defer { drill.remove() }
        var signal = OnCallTests.signal
        signal.severity = .sev4
        let opened = await drill.service.transactValid(ChannelInput(.input(.alert(signal)), in: drill.channel, by: Input.monitoring))
        #expect(opened.posts.contains { $0.text.contains("held the L1 page until business hours begin (2026-11-19 08:00 UTC)") })
        #expect(await fire(drill, at: Self.date("2026-11-19T07:59:00Z")).isEmpty)
        #expect(await fire(drill, at: Self.date("2026-11-19T08:00:00Z")).contains { $0.contains("you are paged: L1") })
    }
}
