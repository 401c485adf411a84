/// The incident-process rules a team configures: severity policy and permissions.
public struct EngineConfiguration: Sendable, Equatable {
    public var severities: SeverityPolicyTable
    public var permissions: PermissionTable
    public var reminders: ReminderPolicy
    public var oncall = OnCallPolicy()
    public var alerts = AlertPolicy()

    public init(severities: SeverityPolicyTable = .standard, permissions: PermissionTable = .standard, reminders: ReminderPolicy = ReminderPolicy()) {
        self.severities = severities
        self.permissions = permissions
        self.reminders = reminders
    }

    public static let standard = EngineConfiguration()
}
