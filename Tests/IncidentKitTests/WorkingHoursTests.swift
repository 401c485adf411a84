import Foundation
import Testing

@testable import IncidentKit

/// When working hours are open, across weekends and daylight-saving changes, and what each response window holds.
@Suite("Working hours")
struct WorkingHoursTests {
    static func date(_ text: String) -> Date { ISOTimestamp.parse(text)! }
    let berlin = WorkingHours(timeZone: TimeZone(identifier: "Europe/Berlin")!)

    @Test func openDuringTheDayClosedAtNightAndAtTheWeekend() {
        #expect(berlin.isOpen(at: Self.date("2026-10-23T07:00:00Z")), "Friday 09:00 CEST opens")
        #expect(berlin.isOpen(at: Self.date("2026-10-23T14:59:59Z")), "Friday 16:59:59 CEST")
        #expect(!berlin.isOpen(at: Self.date("2026-10-23T15:00:00Z")), "17:00 closes")
        #expect(!berlin.isOpen(at: Self.date("2026-10-23T06:59:59Z")), "08:59:59 before opening")
        #expect(!berlin.isOpen(at: Self.date("2026-10-24T10:00:00Z")), "Saturday")
        // Closed on Friday evening: Monday 09:00 in winter time, after the clocks went back on Sunday.
        #expect(berlin.nextOpening(atOrAfter: Self.date("2026-10-23T15:00:00Z")) == Self.date("2026-10-26T08:00:00Z"))
        // And in spring: Friday 2026-03-27 evening opens Monday 2026-03-30 09:00 CEST (07:00 UTC).
        #expect(berlin.nextOpening(atOrAfter: Self.date("2026-03-27T18:00:00Z")) == Self.date("2026-03-30T07:00:00Z"))
        #expect(berlin.nextOpening(atOrAfter: Self.date("2026-10-21T05:00:00Z")) == Self.date("2026-10-21T07:00:00Z"), "early morning")
    }

    @Test func anOpeningTheClockChangeSkipsMovesToTheNextValidMinute() {
        // 02:30 does not exist in Berlin on Sunday 2026-03-29 (02:00 → 03:00).
        let night = WorkingHours(days: Set(1...7), opens: 2 * 60 + 30, closes: 6 * 60, timeZone: berlin.timeZone)
        #expect(night.nextOpening(atOrAfter: Self.date("2026-03-28T23:00:00Z")) == Self.date("2026-03-29T01:00:00Z"), "03:00 CEST")
    }

    @Test func zonesWithHalfHoursAndSouthernSummerTime() {
        let kolkata = WorkingHours(timeZone: TimeZone(identifier: "Asia/Kolkata")!)
        #expect(kolkata.nextOpening(atOrAfter: Self.date("2026-10-23T12:30:00Z")) == Self.date("2026-10-26T03:30:00Z"), "Fri 18:00 IST → Mon 09:00")
        // Sydney's clocks go forward on Sunday 2026-10-04: Friday is +10, Monday +11.
        let sydney = WorkingHours(timeZone: TimeZone(identifier: "Australia/Sydney")!)
        #expect(sydney.nextOpening(atOrAfter: Self.date("2026-10-02T08:00:00Z")) == Self.date("2026-10-04T22:00:00Z"), "Fri 18:00 → Mon 09:00 AEDT")
        // Santiago skips midnight into 01:00 on 2026-09-06: the next business day after Saturday opens on Monday.
        let santiago = WorkingHours(timeZone: TimeZone(identifier: "America/Santiago")!)
        #expect(santiago.nextBusinessDay(after: Self.date("2026-09-05T15:00:00Z")) == Self.date("2026-09-07T12:00:00Z"))
    }

    @Test func theNextBusinessDayAndEachWindow() {
        let friday = Self.date("2026-10-23T10:00:00Z")
        #expect(berlin.nextBusinessDay(after: friday) == Self.date("2026-10-26T08:00:00Z"))
        #expect(berlin.nextBusinessDay(after: Self.date("2026-10-21T10:00:00Z")) == Self.date("2026-10-22T07:00:00Z"), "Wed → Thu")
        let saturday = Self.date("2026-10-24T01:00:00Z")
        #expect(ResponseWindow.always.release(saturday, declaredAt: friday, hours: berlin) == saturday)
        #expect(ResponseWindow.businessHours.release(saturday, declaredAt: friday, hours: berlin) == Self.date("2026-10-26T08:00:00Z"))
        #expect(ResponseWindow.businessHours.release(friday, declaredAt: friday, hours: berlin) == friday, "open: at once")
        #expect(
            ResponseWindow.nextBusinessDay.release(friday, declaredAt: friday, hours: berlin) == Self.date("2026-10-26T08:00:00Z"),
            "never on the day it was declared"
        )
        let tuesday = Self.date("2026-10-27T12:00:00Z")
        #expect(ResponseWindow.nextBusinessDay.release(tuesday, declaredAt: friday, hours: berlin) == tuesday, "later, in business hours")
    }

    @Test func describedAsTheTeamReadsIt() {
        #expect(berlin.description == "Mon–Fri 09:00–17:00 Europe/Berlin")
        #expect(WorkingHours(days: [1, 3, 5], opens: 480, closes: 1440).description == "Mon, Wed, Fri 08:00–24:00 UTC")
        #expect(berlin.local(Self.date("2026-10-26T08:00:00Z")) == "Monday 2026-10-26 09:00 Europe/Berlin")
    }

    @Test func theTeamsHoursTakeTheRotationsZoneUnlessTheyNameOne() {
        let rotation = Rotation(name: "payments", timeZone: berlin.timeZone, start: CalendarDate(parsing: "2026-11-16")!, levels: [[UserRef("a")]])
        #expect(BusinessHoursPolicy().hours(for: nil).timeZone.secondsFromGMT() == 0)
        #expect(BusinessHoursPolicy().hours(for: rotation).timeZone == berlin.timeZone)
        let tokyo = TimeZone(identifier: "Asia/Tokyo")!
        #expect(BusinessHoursPolicy(timeZone: tokyo).hours(for: rotation).timeZone == tokyo)
        var own = rotation
        own.workingHours = WorkingHours(days: [6, 7], opens: 600, closes: 960, timeZone: berlin.timeZone)
        #expect(BusinessHoursPolicy(timeZone: tokyo).hours(for: own) == own.workingHours)
    }
}
