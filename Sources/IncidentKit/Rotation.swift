import Foundation

/// An on-call rotation: who holds each escalation level (L1 on-call engineer … L4 director) at any moment,
/// shifts handed over at a local time of day in the rotation's time zone, with overrides for date ranges.
package struct Rotation: Sendable, Equatable {
    package enum Length: String, Sendable, Equatable {
        case daily, weekly

        var days: Int { self == .daily ? 1 : 7 }
    }

    package var name: String
    /// Incident channels this rotation covers; a rotation without channels covers every channel no other does.
    package var channels: [ChannelRef]
    package var timeZone: TimeZone
    package var handoffHour: Int
    package var handoffMinute: Int
    package var length: Length
    /// The local day on whose hand-off time the first shift (member 1 of each level) begins.
    package var start: CalendarDate
    /// Members of each level in rotation order: `levels[0]` is L1.
    package var levels: [[UserRef]]
    package var overrides: [RotationOverride]
    /// The rotation's own working hours (in its time zone), when they differ from the team's.
    package var workingHours: WorkingHours?

    package init(
        name: String,
        channels: [ChannelRef] = [],
        timeZone: TimeZone,
        handoffHour: Int = 9,
        handoffMinute: Int = 0,
        length: Length = .weekly,
        start: CalendarDate,
        levels: [[UserRef]],
        overrides: [RotationOverride] = [],
        workingHours: WorkingHours? = nil
    ) {
        self.name = name
        self.channels = channels
        self.timeZone = timeZone
        self.handoffHour = handoffHour
        self.handoffMinute = handoffMinute
        self.length = length
        self.start = start
        self.levels = levels
        self.overrides = overrides
        self.workingHours = workingHours
    }

    /// One shift: its number from the start (negative before it) and when it begins and ends.
    package struct Shift: Sendable, Equatable {
        package var index: Int
        package var start: Date
        package var end: Date
    }

    /// The shift in force at `date`. Shifts run from hand-off to hand-off in local time, so a shift spanning a
    /// daylight-saving change is an hour shorter or longer, and the hand-off stays at the same wall-clock time.
    package func shift(at date: Date) -> Shift {
        let local = calendar.dateComponents([.year, .month, .day, .hour, .minute], from: date)
        var day = ISOTimestamp.daysFromCivil(year: local.year!, month: local.month!, day: local.day!)
        if (local.hour!, local.minute!) < (handoffHour, handoffMinute) { day -= 1 }
        let offset = day - ISOTimestamp.daysFromCivil(year: start.year, month: start.month, day: start.day)
        let index = Int((Double(offset) / Double(length.days)).rounded(.down))
        let firstDay = ISOTimestamp.daysFromCivil(year: start.year, month: start.month, day: start.day) + index * length.days
        return Shift(index: index, start: handoff(onDay: firstDay), end: handoff(onDay: firstDay + length.days))
    }

    /// Who holds `level` (1…4) at `date`: an override if one covers that moment, else the shift's member.
    package func member(level: Int, at date: Date) -> UserRef? {
        if let override = overrides.first(where: { $0.level == level && $0.from <= date && date < $0.until }) { return override.user }
        guard level >= 1, level <= levels.count, !levels[level - 1].isEmpty else { return nil }
        let members = levels[level - 1]
        let index = shift(at: date).index % members.count
        return members[index < 0 ? index + members.count : index]
    }

    /// Who holds `level` after the current shift (or override) ends, and from when.
    package func next(level: Int, after date: Date) -> (user: UserRef, from: Date)? {
        var boundary = shift(at: date).end
        if let override = overrides.first(where: { $0.level == level && $0.from <= date && date < $0.until }), override.until < boundary {
            boundary = override.until
        }
        if let upcoming = overrides.filter({ $0.level == level && $0.from > date && $0.from < boundary }).min(by: { $0.from < $1.from }) {
            boundary = upcoming.from
        }
        return member(level: level, at: boundary).map { ($0, boundary) }
    }

    /// The highest level with anyone on it.
    package var topLevel: Int { levels.lastIndex { !$0.isEmpty }.map { $0 + 1 } ?? 0 }

    private var calendar: Calendar {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = timeZone
        return calendar
    }

    /// The hand-off instant on a local day given as days since 1970-01-01. A hand-off time that does not
    /// exist that day (skipped by a daylight-saving change) moves to the next valid minute.
    private func handoff(onDay day: Int) -> Date {
        let (year, month, dayOfMonth) = ISOTimestamp.civil(fromDays: day)
        let components = DateComponents(year: year, month: month, day: dayOfMonth, hour: handoffHour, minute: handoffMinute)
        return calendar.nextDate(
            after: calendar.date(from: DateComponents(year: year, month: month, day: dayOfMonth))!.addingTimeInterval(-1),
            matching: DateComponents(hour: handoffHour, minute: handoffMinute),
            matchingPolicy: .nextTime
        ) ?? calendar.date(from: components)!
    }
}

/// Someone standing in for a level between two instants (holidays, swaps).
package struct RotationOverride: Sendable, Equatable {
    package var level: Int
    package var user: UserRef
    package var from: Date
    package var until: Date

    package init(level: Int = 1, user: UserRef, from: Date, until: Date) {
        self.level = level
        self.user = user
        self.from = from
        self.until = until
    }
}

/// How paging works: the rotations, how long a page waits for an acknowledgement, and when a declaration pages.
package struct OnCallPolicy: Sendable, Equatable {
    package var rotations: [Rotation] = []
    /// How long a page waits for `/incident ack` before the next level is paged.
    package var acknowledgeWithin: TimeSpan = .minutes(5)
    /// Severities whose hand-declared incidents page L1 too (alert-opened incidents always do).
    package var pageOnDeclare: Set<Severity> = [.sev1, .sev2]
    /// How often an unacknowledged handover is reminded, and how many times at most.
    package var handoverReminderEvery: TimeSpan = .minutes(15)
    package var handoverReminderLimit = 4

    package init() {}

    /// The rotation covering `channel`: the first that lists it, else the first that lists no channels.
    package func rotation(for channel: ChannelRef?) -> Rotation? {
        if let channel, let listed = rotations.first(where: { $0.channels.contains(channel) }) { return listed }
        return rotations.first { $0.channels.isEmpty }
    }
}
