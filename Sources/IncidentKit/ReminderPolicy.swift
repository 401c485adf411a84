/// Team-wide settings of the reminder timers (the per-severity steps live in `SeverityPolicy`).
package struct ReminderPolicy: Sendable, Equatable {
    /// No update reminder when a Status Update was posted this recently.
    package var quietAfterUpdate: TimeSpan = .minutes(5)
    /// How long a severe incident may go without an IC before the channel is nudged.
    package var commanderNudgeAfter: TimeSpan = .minutes(5)
    /// The severities that need an IC quickly.
    package var commanderNudgeSeverities: Set<Severity> = [.sev1, .sev2]
    /// How long after resolution the IC is reminded of a missing postmortem; nil turns it off.
    package var postmortemReminderAfter: TimeSpan? = .days(3)
    /// The hour (UTC) at which due action items are reminded, on the due day and each day after.
    package var actionReminderHourUTC = 9

    package init() {}
}
