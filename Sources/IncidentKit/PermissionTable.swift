/// An action whose permission a team can configure.
package enum GuardedAction: String, Codable, Sendable, CaseIterable {
    case declare, acknowledge
    case raiseSeverity = "raise_severity"
    case lowerSeverity = "lower_severity"
    case assignRole = "assign_role"
    case setStatus = "status"
    case postUpdate = "update"
    case note
    case setImpact = "impact"
    case mitigate, resolve, reopen
    case manageActions = "actions"
    case escalate, handover, snooze, remind
    case learn, visibility

    /// The words a refusal uses: "resolve", "lower the severity of", …
    var phrase: String {
        switch self {
        case .declare: "declare an incident in"
        case .acknowledge: "acknowledge"
        case .raiseSeverity: "raise the severity of"
        case .lowerSeverity: "lower the severity of"
        case .assignRole: "assign roles in"
        case .setStatus: "change the status of"
        case .postUpdate: "post updates for"
        case .note: "add notes to"
        case .setImpact: "change the impact of"
        case .mitigate: "mark as mitigated"
        case .resolve: "resolve"
        case .reopen: "reopen"
        case .manageActions: "manage action items of"
        case .escalate: "escalate"
        case .handover: "hand over"
        case .snooze: "snooze reminders of"
        case .remind: "change reminders of"
        case .learn: "record lessons, whys and links for"
        case .visibility: "change the visibility of"
        }
    }
}

/// Who may do what. An action lists the roles that hold it once any of them is assigned;
/// until then, or when the list is empty, every responder may.
package struct PermissionTable: Sendable, Equatable {
    package var restrictions: [GuardedAction: Set<Role>]

    package init(restrictions: [GuardedAction: Set<Role>]) { self.restrictions = restrictions }

    /// The default: open to everyone, except that once an IC is assigned only the IC resolves or lowers severity.
    package static let standard = PermissionTable(restrictions: [.resolve: [.ic], .lowerSeverity: [.ic]])

    /// The role holders allowed to do `action` in `incident`, or nil when anyone may.
    package func holdersRequired(for action: GuardedAction, in incident: Incident?) -> [(Role, UserRef)]? {
        guard let roles = restrictions[action], !roles.isEmpty, let incident else { return nil }
        let holders = Role.allCases.filter(roles.contains).compactMap { role in incident.roles[role].map { (role, $0) } }
        return holders.isEmpty ? nil : holders
    }
}
