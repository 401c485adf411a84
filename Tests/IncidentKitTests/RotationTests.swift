import Foundation
import Testing

@testable import IncidentKit

@Suite("On-call rotations")
struct RotationTests {
    let alice = UserRef("alice"), bob = UserRef("bob"), carol = UserRef("carol"), dana = UserRef("dana"), erin = UserRef("erin")

    func utc(_ text: String) -> Date { ISOTimestamp.parse(text)! }

    func weekly(zone: String = "Europe/Berlin", handoff: (Int, Int) = (9, 0)) -> Rotation {
        Rotation(
            name: "payments",
            timeZone: TimeZone(identifier: zone)!,
            handoffHour: handoff.0,
            handoffMinute: handoff.1,
            length: .weekly,
            start: CalendarDate(parsing: "2026-11-02")!,
            levels: [[alice, bob, carol], [dana], [], [erin]]
        )
    }

    @Test func weeklyShiftsChangeAtTheLocalHandOff() {
        let rotation = weekly()
        // 2026-11-02 09:00 in Berlin (CET, UTC+1) is 08:00 UTC.
        #expect(rotation.member(level: 1, at: utc("2026-11-02T07:59:00Z")) == carol, "before the first hand-off: the shift before it")
        #expect(rotation.member(level: 1, at: utc("2026-11-02T08:00:00Z")) == alice)
        #expect(rotation.member(level: 1, at: utc("2026-11-09T07:59:59Z")) == alice)
        #expect(rotation.member(level: 1, at: utc("2026-11-09T08:00:00Z")) == bob)
        #expect(rotation.member(level: 1, at: utc("2026-11-16T08:00:00Z")) == carol)
        #expect(rotation.member(level: 1, at: utc("2026-11-23T08:00:00Z")) == alice, "the order wraps round")
        #expect(rotation.member(level: 2, at: utc("2026-11-23T08:00:00Z")) == dana, "a one-person level never changes")
        #expect(rotation.member(level: 3, at: utc("2026-11-23T08:00:00Z")) == nil, "an empty level")
        #expect(rotation.topLevel == 4)
        let shift = rotation.shift(at: utc("2026-11-10T12:00:00Z"))
        #expect(shift.start == utc("2026-11-09T08:00:00Z") && shift.end == utc("2026-11-16T08:00:00Z"))
        let next = rotation.next(level: 1, after: utc("2026-11-10T12:00:00Z"))
        #expect(next?.user == carol && next?.from == utc("2026-11-16T08:00:00Z"))
    }

    @Test func dailyShiftsAcrossTheSpringDaylightSavingChange() {
        // Berlin moves from CET (UTC+1) to CEST (UTC+2) on 2026-03-29 at 02:00 local.
        var rotation = weekly()
        rotation.length = .daily
        rotation.start = CalendarDate(parsing: "2026-03-27")!
        let saturday = rotation.shift(at: utc("2026-03-28T12:00:00Z"))
        #expect(saturday.start == utc("2026-03-28T08:00:00Z"), "09:00 CET")
        #expect(saturday.end == utc("2026-03-29T07:00:00Z"), "09:00 CEST: a 23-hour shift")
        #expect(rotation.member(level: 1, at: utc("2026-03-29T06:59:00Z")) == bob)
        #expect(rotation.member(level: 1, at: utc("2026-03-29T07:00:00Z")) == carol)
    }

    @Test func dailyShiftsAcrossTheAutumnChangeInAnotherZone() {
        // New York moves from EDT (UTC-4) to EST (UTC-5) on 2026-11-01 at 02:00 local.
        var rotation = weekly(zone: "America/New_York", handoff: (8, 30))
        rotation.length = .daily
        rotation.start = CalendarDate(parsing: "2026-10-31")!
        let saturday = rotation.shift(at: utc("2026-10-31T20:00:00Z"))
        #expect(saturday.start == utc("2026-10-31T12:30:00Z"), "08:30 EDT")
        #expect(saturday.end == utc("2026-11-01T13:30:00Z"), "08:30 EST: a 25-hour shift")
        #expect(rotation.member(level: 1, at: utc("2026-11-01T13:29:00Z")) == alice)
        #expect(rotation.member(level: 1, at: utc("2026-11-01T13:30:00Z")) == bob)
    }

    @Test func aHandOffTimeSkippedByTheClockChangeMovesToTheNextValidTime() {
        var rotation = weekly(handoff: (2, 30))
        rotation.length = .daily
        rotation.start = CalendarDate(parsing: "2026-03-28")!
        // 02:30 does not exist in Berlin on 2026-03-29; the shift starts at 03:00 CEST (01:00 UTC).
        #expect(rotation.shift(at: utc("2026-03-29T12:00:00Z")).start == utc("2026-03-29T01:00:00Z"))
        #expect(rotation.member(level: 1, at: utc("2026-03-29T00:59:00Z")) == alice)
        #expect(rotation.member(level: 1, at: utc("2026-03-29T01:00:00Z")) == bob)
    }

    @Test func overridesStandInForADateRange() {
        var rotation = weekly()
        rotation.overrides = [RotationOverride(level: 1, user: erin, from: utc("2026-12-24T08:00:00Z"), until: utc("2026-12-27T08:00:00Z"))]
        // The week from 2026-12-21 is bob's (the eighth shift since 2026-11-02).
        #expect(rotation.member(level: 1, at: utc("2026-12-24T07:59:00Z")) == bob)
        #expect(rotation.member(level: 1, at: utc("2026-12-24T08:00:00Z")) == erin)
        #expect(rotation.member(level: 1, at: utc("2026-12-27T08:00:00Z")) == bob)
        #expect(rotation.member(level: 2, at: utc("2026-12-25T08:00:00Z")) == dana, "other levels keep their member")
        let during = rotation.next(level: 1, after: utc("2026-12-25T00:00:00Z"))
        #expect(during?.user == bob && during?.from == utc("2026-12-27T08:00:00Z"), "next is whoever holds it when the override ends")
        let before = rotation.next(level: 1, after: utc("2026-12-23T00:00:00Z"))
        #expect(before?.user == erin && before?.from == utc("2026-12-24T08:00:00Z"))
    }

    @Test func theRotationOfAChannel() {
        var policy = OnCallPolicy()
        let payments = ChannelRef(platform: .slack, workspace: "default", channel: "C0PAY")
        var listed = weekly()
        listed.channels = [payments]
        var fallback = weekly()
        fallback.name = "everything else"
        policy.rotations = [listed, fallback]
        #expect(policy.rotation(for: payments)?.name == "payments")
        #expect(policy.rotation(for: ChannelRef(platform: .slack, workspace: "default", channel: "C0OTHER"))?.name == "everything else")
        policy.rotations = [listed]
        #expect(policy.rotation(for: ChannelRef(platform: .slack, workspace: "default", channel: "C0OTHER")) == nil)
    }
}
