/// Team-wide settings of the reminder timers (the per-severity steps live in `SeverityPolicy`).
public struct ReminderPolicy: Sendable, Equatable {
    /// No update reminder when a Status Update was posted this recently.
    public var quietAfterUpdate: TimeSpan = .minutes(5)
    /// How long a severe incident may go without an IC before the channel is nudged.
    public var commanderNudgeAfter: TimeSpan = .minutes(5)
    /// The severities that need an IC quickly.
    public var commanderNudgeSeverities: Set<Severity> = [.sev1, .sev2]
    /// How long after resolution the IC is reminded of a missing postmortem; nil turns it off.
    public var postmortemReminderAfter: TimeSpan? = .days(3)
    /// The hour (UTC) at which due action items are reminded, on the due day and each day after.
    public var actionReminderHourUTC = 9

    public init() {}
}
