import Foundation

/// When a team works: days of the week and one span of the day, in a time zone (Monday to Friday, 09:00 to 17:00 by
/// default). Severities handled "in business hours" hold their reminders and non-urgent pages outside it.
package struct WorkingHours: Sendable, Equatable {
    /// ISO weekdays that are working days: 1 is Monday … 7 is Sunday.
    package var days: Set<Int>
    /// Opening and closing time as minutes after local midnight; `opens < closes`.
    package var opens: Int
    package var closes: Int
    package var timeZone: TimeZone

    package init(days: Set<Int> = Set(1...5), opens: Int = 9 * 60, closes: Int = 17 * 60, timeZone: TimeZone = UTC.timeZone) {
        self.days = days
        self.opens = opens
        self.closes = closes
        self.timeZone = timeZone
    }

    /// Whether `date` falls inside working hours.
    package func isOpen(at date: Date) -> Bool { nextOpening(atOrAfter: date) == date }

    /// `date` itself when it falls inside working hours, else the moment they next open. Opening and closing times
    /// are wall-clock times in the zone, so they stay put across daylight-saving changes; an opening time a change
    /// skips moves to the next valid minute.
    ///
    /// Worked out from the zone's offsets alone, not with `Calendar`: every deadline of a SEV3 or SEV4 passes through
    /// here each time its channel's timers are re-planned, and `Calendar` made that 78 times slower.
    package func nextOpening(atOrAfter date: Date) -> Date {
        guard !days.isEmpty, opens < closes else { return date }
        let today = localDay(of: date)
        for offset in 0..<8 {
            let day = today + offset
            guard days.contains(Self.isoWeekday(ofDay: day)) else { continue }
            let close = instant(localSeconds: day * 86400 + closes * 60)
            if date < close { return max(date, instant(localSeconds: day * 86400 + opens * 60)) }
        }
        return date
    }

    /// When the first working day after the local day of `date` opens: "the next business day".
    package func nextBusinessDay(after date: Date) -> Date {
        nextOpening(atOrAfter: instant(localSeconds: (localDay(of: date) + 1) * 86400))
    }

    /// The local day of `date`, as days since 1970-01-01.
    private func localDay(of date: Date) -> Int {
        let local = date.timeIntervalSince1970 + Double(timeZone.secondsFromGMT(for: date))
        return Int((local / 86400).rounded(.down))
    }

    /// ISO weekday (1 Monday … 7 Sunday) of a day counted from 1970-01-01, a Thursday.
    static func isoWeekday(ofDay day: Int) -> Int { ((day + 3) % 7 + 7) % 7 + 1 }

    /// The instant the zone's wall clock shows `localSeconds` (seconds since 1970-01-01 on that clock). A time a
    /// daylight-saving change skips is the moment of the change (the next valid minute); a time it shows twice is
    /// its later showing.
    private func instant(localSeconds: Int) -> Date {
        let local = Double(localSeconds)
        let guess = local - Double(timeZone.secondsFromGMT(for: Date(timeIntervalSince1970: local)))
        let instant = local - Double(timeZone.secondsFromGMT(for: Date(timeIntervalSince1970: guess)))
        let shown = instant + Double(timeZone.secondsFromGMT(for: Date(timeIntervalSince1970: instant)))
        guard Int(shown) != localSeconds else { return Date(timeIntervalSince1970: instant) }
        // Skipped: the clock jumps over it at the change that comes just before.
        return timeZone.nextDaylightSavingTimeTransition(after: Date(timeIntervalSince1970: instant - 86400)) ?? Date(timeIntervalSince1970: instant)
    }

    /// "Mon–Fri 09:00–17:00 Europe/Berlin".
    package var description: String {
        let names = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"]
        let sorted = days.sorted()
        let isRun = sorted.count > 2 && sorted.last! - sorted.first! == sorted.count - 1
        let dayText =
            isRun ? "\(names[sorted.first! - 1])–\(names[sorted.last! - 1])" : sorted.map { names[$0 - 1] }.joined(separator: ", ")
        return "\(dayText) \(Self.clock(opens))–\(Self.clock(closes)) \(zoneName)"
    }

    /// "Monday 2026-11-23 09:00 Europe/Berlin": a moment as the team reads it.
    package func local(_ date: Date) -> String {
        let calendar = self.calendar
        let c = calendar.dateComponents([.year, .month, .day, .hour, .minute, .weekday], from: date)
        let weekdays = ["Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"]
        return String(format: "%@ %04d-%02d-%02d %02d:%02d ", weekdays[c.weekday! - 1], c.year!, c.month!, c.day!, c.hour!, c.minute!)
            + zoneName
    }

    /// The zone's IANA name; Foundation on Linux calls UTC "GMT".
    private var zoneName: String { timeZone.identifier == "GMT" ? "UTC" : timeZone.identifier }

    static func clock(_ minutes: Int) -> String { String(format: "%02d:%02d", minutes / 60, minutes % 60) }

    private var calendar: Calendar {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = timeZone
        return calendar
    }
}

/// When a severity's reminders and automatic pages may go out.
package enum ResponseWindow: String, Sendable, Codable, Equatable {
    /// At any hour (SEV1, SEV2).
    case always
    /// Within working hours; what falls outside waits for the next opening (SEV3).
    case businessHours = "business_hours"
    /// Not on the day the incident is declared, and then within working hours (SEV4).
    case nextBusinessDay = "next_business_day"

    /// When something due at `due` may go out for an incident declared at `declaredAt`.
    package func release(_ due: Date, declaredAt: Date, hours: WorkingHours) -> Date {
        switch self {
        case .always: due
        case .businessHours: hours.nextOpening(atOrAfter: due)
        case .nextBusinessDay: hours.nextOpening(atOrAfter: max(due, hours.nextBusinessDay(after: declaredAt)))
        }
    }

    /// "in business hours", for the timeline and the summary.
    package var phrase: String {
        switch self {
        case .always: "at any hour"
        case .businessHours: "in business hours"
        case .nextBusinessDay: "from the next business day, in business hours"
        }
    }
}

/// The team's working hours: the days and hours everyone keeps (by default Monday to Friday, 09:00 to 17:00), in
/// the team's time zone when one is set, else in the time zone of the rotation covering the channel, else UTC. A
/// rotation can keep its own hours, in its own time zone.
package struct BusinessHoursPolicy: Sendable, Equatable {
    package var hours = WorkingHours()
    /// The team's time zone, when configured; otherwise each rotation's (or UTC).
    package var timeZone: TimeZone?

    package init(hours: WorkingHours = WorkingHours(), timeZone: TimeZone? = nil) {
        self.hours = hours
        self.timeZone = timeZone
    }

    /// The working hours in force for a channel covered by `rotation` (or none).
    package func hours(for rotation: Rotation?) -> WorkingHours {
        if let own = rotation?.workingHours { return own }
        var hours = self.hours
        hours.timeZone = timeZone ?? rotation?.timeZone ?? UTC.timeZone
        return hours
    }
}
