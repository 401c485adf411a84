/// The incident-process rules a team configures: severity policy and permissions.
package struct EngineConfiguration: Sendable, Equatable {
    package var severities: SeverityPolicyTable
    package var permissions: PermissionTable
    package var reminders: ReminderPolicy
    package var oncall = OnCallPolicy()
    package var alerts = AlertPolicy()
    /// The severity of an incident declared from a chat message when none was chosen; changeable with `/incident sev`.
    package var messageDeclareSeverity = Severity.sev3
    /// Which declarations get a channel of their own.
    package var warRooms = WarRoomPolicy()
    /// When the team works, for severities handled in business hours.
    package var businessHours = BusinessHoursPolicy()

    package init(severities: SeverityPolicyTable = .standard, permissions: PermissionTable = .standard, reminders: ReminderPolicy = ReminderPolicy())
    {
        self.severities = severities
        self.permissions = permissions
        self.reminders = reminders
    }

    package static let standard = EngineConfiguration()

    /// The working hours in force in `channel`: its rotation's, else the team's.
    package func workingHours(in channel: ChannelRef?) -> WorkingHours {
        businessHours.hours(for: oncall.rotation(for: channel))
    }
}
