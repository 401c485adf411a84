/// Everything that can happen to a channel, each handled as one transaction: a typed command from a person,
/// the scheduler saying timers are due, or monitoring reporting on an alert group.
package enum Input: Sendable, Equatable {
    /// A command from a person (typed, a form).
    case command(Command)
    /// A command from a button on a message about `incident`: it runs only while that incident is the active one.
    case button(Command, incident: IncidentID)
    /// Timers of this incident (nil: of the channel) are due now.
    case timersDue(IncidentID?)
    /// Monitoring reported on an alert group routed to this channel.
    case alert(AlertSignal)
    /// The team's tracker answered for an action item's issue: created it, or refused for good.
    case tracker(TrackerAnswer)
    /// Someone pinned a chat message to the timeline (a 📌 reaction, a context-menu command), or took the pin off.
    case pin(TimelinePin)
    /// Someone declared an incident from a chat message (a message shortcut or context-menu command), at a severity
    /// they chose or (nil) the configured default.
    case declareFromMessage(ChatMessage, severity: Severity?)
    /// The platform answered a war room's creation (in the channel where it was declared).
    case warRoom(WarRoomAnswer)
    /// The war room's first transaction: declare the incident here, as requested in `requestedIn`.
    case declareInWarRoom(WarRoomRequest, requestedIn: ChannelRef, name: String)

    /// Who the log records as acting for inputs that do not come from a person.
    package static let bot = UserRef("firebell")
    package static let monitoring = UserRef("monitoring")

    /// What to do next, added to the confirmation: a declaration from a message took the default severity.
    package var hint: String? {
        guard case .declareFromMessage(_, nil) = self else { return nil }
        return "The severity is the default for a declaration from a message; change it with /incident sev <1-4> <reason>."
    }

    /// A declaration someone typed (or clicked): not an alert's, not a war room's own.
    package var isTypedDeclaration: Bool {
        switch self {
        case .command(.declare), .declareFromMessage: true
        default: false
        }
    }

    /// Whether a declaration it makes takes the id reserved when its war room was requested (not a new one).
    package var carriesIncidentID: Bool {
        switch self {
        case .warRoom, .declareInWarRoom: true
        default: false
        }
    }

    /// The verb for logs and metrics.
    package var verb: String {
        switch self {
        case .command(let command), .button(let command, _): command.verb
        case .timersDue: "timer"
        case .alert: "alert"
        case .tracker: "tracker"
        case .pin: "pin"
        case .declareFromMessage, .declareInWarRoom: "declare"
        case .warRoom: "war-room"
        }
    }
}
