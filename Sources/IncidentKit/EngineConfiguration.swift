/// The incident-process rules a team configures: severity policy and permissions.
public struct EngineConfiguration: Sendable, Equatable {
    public var severities: SeverityPolicyTable
    public var permissions: PermissionTable

    public init(severities: SeverityPolicyTable = .standard, permissions: PermissionTable = .standard) {
        self.severities = severities
        self.permissions = permissions
    }

    public static let standard = EngineConfiguration()
}
