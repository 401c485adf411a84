/// A parsed `/incident` command, ready for the engine.
package enum Command: Equatable, Sendable {
    case declare(severity: Severity, title: String, impact: String?, systems: [String], fromReport: Int? = nil)
    case acknowledge
    case setSeverity(Severity, reason: String?)
    case assignRole(Role, UserRef)
    case setStatus(IncidentStatus)
    case postUpdate(text: String, next: TimeSpan?, eta: TimeSpan?)
    case addNote(String)
    case setImpact(String)
    case setImpactDetail(ImpactAspect, String)
    case setSystems([String])
    case mitigate(String?)
    case resolve(rootCause: String?)
    case reopen(reason: String?)
    case addAction(text: String, owner: UserRef, due: CalendarDate)
    case completeAction(Int)
    case reassignAction(Int, to: UserRef)
    case learn(LearningKind, String)
    case addWhy(String)
    case link(IncidentID, note: String?)
    case setPrivate(Bool)
    case listActions
    case timeline
    case summary
    case postmortem
    case setPostmortemAuthor(UserRef)
    case escalate(level: Int?, user: UserRef?)
    case oncall
    case handover(to: UserRef, notes: String)
    case snooze(TimeSpan)
    case remind(ReminderSetting)
    case help(verb: String?)
    case report(String)
    case dismissReport(Int, reason: String?)
    case listReports
    case acknowledgeHandover
}

/// Why a command was refused, in words for the person who typed it.
package struct CommandError: Error, Equatable, Sendable, CustomStringConvertible {
    /// What was wrong, as one sentence.
    package let problem: String
    /// The exact usage of the verb, when the problem is in how it was typed.
    package let usage: String?

    package init(_ problem: String, usage: String? = nil) {
        self.problem = problem
        self.usage = usage
    }

    /// One line: the problem, then the usage.
    package var description: String {
        guard let usage else { return problem }
        return "\(problem) Usage: \(usage)"
    }
}

extension Command {
    /// The verb's name as typed, for logs and metrics.
    package var verb: String {
        switch self {
        case .declare: "declare"
        case .acknowledge: "ack"
        case .setSeverity: "sev"
        case .assignRole: "role"
        case .setStatus: "status"
        case .postUpdate: "update"
        case .addNote: "note"
        case .setImpact, .setImpactDetail: "impact"
        case .setSystems: "systems"
        case .mitigate: "mitigated"
        case .resolve: "resolve"
        case .reopen: "reopen"
        case .addAction: "action add"
        case .completeAction: "action done"
        case .reassignAction: "action reassign"
        case .learn: "learn"
        case .addWhy: "why"
        case .link: "link"
        case .setPrivate: "private"
        case .listActions: "actions"
        case .timeline: "timeline"
        case .summary: "summary"
        case .postmortem, .setPostmortemAuthor: "postmortem"
        case .escalate: "escalate"
        case .oncall: "oncall"
        case .handover: "handover"
        case .snooze: "snooze"
        case .remind: "remind"
        case .help: "help"
        case .report: "report"
        case .dismissReport: "dismiss"
        case .listReports: "reports"
        case .acknowledgeHandover: "handover ack"
        }
    }
}
