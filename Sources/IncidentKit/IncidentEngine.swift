import Foundation

/// Who is acting, when, and which id a new incident would take: everything the engine needs from outside.
package struct CommandContext: Sendable {
    package var actor: UserRef
    package var now: Date
    /// The id a `declare` gives its incident; the shell reserves it from the data folder.
    package var newIncidentID: IncidentID
    /// The channel the command runs in, for choosing its on-call rotation.
    package var channel: ChannelRef?

    package init(actor: UserRef, now: Date, newIncidentID: IncidentID, channel: ChannelRef? = nil) {
        self.actor = actor
        self.now = now
        self.newIncidentID = newIncidentID
        self.channel = channel
    }
}

/// A read-only view the shell renders for the person who asked.
package enum ViewRequest: Equatable, Sendable {
    case help(verb: String?)
    case timeline(IncidentID)
    case summary(IncidentID)
    case actions(IncidentID)
    case postmortem(IncidentID)
    case oncall
    case reports
}

/// What the engine decided: events to make durable, or a view to show.
package enum Decision: Equatable, Sendable {
    case record([EventRecord])
    case view(ViewRequest)
    /// Record the events, then show the view (a first postmortem draft is both).
    case recordThenShow([EventRecord], ViewRequest)
}

/// The incident process as a pure function: state + command + context → events, or a refusal.
package struct IncidentEngine: Sendable {
    package let configuration: EngineConfiguration

    package init(configuration: EngineConfiguration = .standard) { self.configuration = configuration }

    /// Decides what an input means: a typed command, due timers, or an alert.
    package func decide(_ input: Input, state: ChannelState, context: CommandContext) throws(CommandError) -> Decision {
        var rules = Rules(state: state, context: context, configuration: configuration)
        switch input {
        case .command(let command):
            return try decide(command, rules: &rules)
        case .button(let command, let incident):
            guard state.activeID == incident else {
                throw CommandError("That button belongs to \(incident), which is no longer the active incident here.")
            }
            return try decide(command, rules: &rules)
        case .timersDue(let id):
            try rules.fireTimers(of: id, planner: DeadlinePlanner(configuration: configuration))
        case .alert(let signal):
            rules.intake(signal)
        case .tracker(let answer):
            rules.record(answer)
        case .pin(let pin):
            try rules.record(pin)
        case .declareFromMessage(let message, let severity):
            try rules.declare(from: message, severity: severity ?? configuration.messageDeclareSeverity)
        case .warRoom(let answer):
            try rules.record(answer)
        case .declareInWarRoom(let request, let requestedIn, let name):
            try rules.declare(request, inWarRoomFrom: requestedIn, name: name)
        }
        return .record(rules.records)
    }

    /// Decides a typed command.
    package func decide(_ command: Command, state: ChannelState, context: CommandContext) throws(CommandError) -> Decision {
        var rules = Rules(state: state, context: context, configuration: configuration)
        return try decide(command, rules: &rules)
    }

    private func decide(_ command: Command, rules: inout Rules) throws(CommandError) -> Decision {
        switch command {
        case .help(let verb): return .view(.help(verb: verb))
        case .oncall: return .view(.oncall)
        case .listReports: return .view(.reports)
        case .timeline: return .view(.timeline(try rules.latest().id))
        case .summary: return .view(.summary(try rules.latest().id))
        case .listActions: return .view(.actions(try rules.latest().id))
        case .postmortem:
            let incident = try rules.latest()
            guard !incident.isActive else {
                throw CommandError("\(incident.id) is still active; the postmortem draft is ready once it is resolved with /incident resolve.")
            }
            guard incident.hasPostmortemDraft else {
                return .recordThenShow([rules.event(.postmortemDrafted, for: incident.id)], .postmortem(incident.id))
            }
            return .view(.postmortem(incident.id))
        default:
            try rules.record(command)
            return .record(rules.records)
        }
    }
}

/// The rules of the process, applied to one command; collects the events it accepts.
struct Rules {
    let state: ChannelState
    let context: CommandContext
    let configuration: EngineConfiguration
    private(set) var records: [EventRecord] = []

    init(state: ChannelState, context: CommandContext, configuration: EngineConfiguration) {
        self.state = state
        self.context = context
        self.configuration = configuration
    }

    private static let declareHint = "Declare one with /incident declare <sev1-4> <title>."

    mutating func record(_ command: Command) throws(CommandError) {
        let planner = DeadlinePlanner(configuration: configuration)
        switch command {
        case .declare(let severity, let title, let impact, let systems, let fromReport):
            if let active = state.activeIncident {
                throw CommandError(
                    "\(active.id) (\(active.severity), \"\(active.title)\") is still active in this channel; resolve it first or post to it with /incident update."
                )
            }
            try permit(.declare, nil)
            let report = try fromReport.map { (number) throws(CommandError) in try openReport(number) }
            let id = context.newIncidentID
            let title = title.isEmpty ? String((report?.text ?? "").prefix(CommandParser.maxTitleLength)) : title
            if report == nil, configuration.warRooms.applies(to: severity, in: context.channel) {
                try requestWarRoom(
                    WarRoomRequest(
                        incident: id,
                        severity: severity,
                        title: title,
                        impact: impact,
                        systems: systems,
                        declaredBy: context.actor,
                        name: configuration.warRooms.name(for: id, title: title)
                    )
                )
                return
            }
            declare(id, severity: severity, title: title, impact: impact, systems: systems)
            if let report { emit(.reportDeclared(number: report.number, reportedAt: report.at), for: id) }

        case .acknowledge:
            let incident = try active()
            try permit(.acknowledge, incident)
            if let at = incident.acknowledgedAt, let by = incident.acknowledgedBy {
                throw CommandError("\(incident.id) was already acknowledged by \(by) at \(UTC.minute(at)).")
            }
            emit(.acknowledged, for: incident.id)
            // Acknowledging an alert-opened incident confirms it: triage becomes investigation.
            if incident.status == .triage { emit(.statusChanged(from: .triage, to: .investigating), for: incident.id) }

        case .setSeverity(let severity, let reason):
            let incident = try active()
            guard severity != incident.severity else { throw CommandError("\(incident.id) is already \(severity).") }
            let lowering = incident.severity.isMoreSevere(than: severity)
            try permit(lowering ? .lowerSeverity : .raiseSeverity, incident)
            if lowering, reason == nil {
                throw CommandError(
                    "Lowering \(incident.id) from \(incident.severity) to \(severity) needs a reason.",
                    usage: "/incident sev \(severity.rawValue) <reason>"
                )
            }
            emit(.severityChanged(from: incident.severity, to: severity, reason: reason), for: incident.id)

        case .assignRole(let role, let user):
            let incident = try active()
            try permit(.assignRole, incident)
            let previous = incident.roles[role]
            guard previous != user else { throw CommandError("\(user) is already the \(role.title) of \(incident.id).") }
            emit(.roleAssigned(role: role, user: user, previous: previous), for: incident.id)

        case .setStatus(let status):
            let incident = try active()
            try permit(.setStatus, incident)
            guard status != incident.status else { throw CommandError("\(incident.id) is already \(status.title).") }
            emit(.statusChanged(from: incident.status, to: status), for: incident.id)

        case .postUpdate(let text, let next, let eta):
            let incident = try active()
            try permit(.postUpdate, incident)
            let cadence = next ?? planner.cadence(incident) ?? configuration.severities[incident.severity].updateCadence
            emit(
                .updatePosted(
                    text: text,
                    nextUpdateAt: cadence.map { context.now.addingTimeInterval($0.timeInterval) },
                    eta: eta.map { context.now.addingTimeInterval($0.timeInterval) }
                ),
                for: incident.id
            )

        case .addNote(let text):
            let incident = try latest()
            try permit(.note, incident)
            emit(.notePosted(text: text), for: incident.id)

        case .setImpact(let text):
            let incident = try active()
            try permit(.setImpact, incident)
            guard text != incident.impact else { throw CommandError("That is already the impact of \(incident.id).") }
            emit(.impactSet(text: text), for: incident.id)

        case .setImpactDetail(let aspect, let text):
            let incident = try latest()
            try permit(.setImpact, incident)
            guard text != incident.impactDetails[aspect] else {
                throw CommandError("That is already the \(aspect.title.lowercased()) of \(incident.id).")
            }
            emit(.impactDetailRecorded(aspect: aspect, text: text), for: incident.id)

        case .setPostmortemAuthor(let user):
            let incident = try latest()
            try permit(.learn, incident)
            guard user != incident.postmortemAuthor else { throw CommandError("\(user) already writes the postmortem of \(incident.id).") }
            emit(.postmortemAuthorSet(user: user), for: incident.id)

        case .setSystems(let systems):
            let incident = try active()
            try permit(.setImpact, incident)
            emit(.systemsSet(systems: systems), for: incident.id)

        case .mitigate(let text):
            let incident = try active()
            try permit(.mitigate, incident)
            if let at = incident.mitigatedAt {
                throw CommandError("\(incident.id) was already marked mitigated at \(UTC.minute(at)); resolve it with /incident resolve.")
            }
            emit(.mitigated(text: text), for: incident.id)

        case .resolve(let rootCause):
            let incident = try active()
            try permit(.resolve, incident)
            emit(.resolved(rootCause: rootCause), for: incident.id)

        case .reopen(let reason):
            if let active = state.activeIncident {
                throw CommandError("\(active.id) is still active; only a resolved incident can be reopened.")
            }
            guard let incident = state.latestIncident else {
                throw CommandError("There is no resolved incident in this channel to reopen. \(Self.declareHint)")
            }
            try permit(.reopen, incident)
            emit(.reopened(reason: reason), for: incident.id)

        case .addAction(let text, let owner, let due):
            let incident = try latest()
            try permit(.manageActions, incident)
            if due < CalendarDate(containing: context.now) {
                throw CommandError(
                    "The due date \(due) is in the past; give today or a later day.",
                    usage: VerbCatalog.usage("action")
                )
            }
            emit(
                .actionAdded(number: (incident.actionItems.map(\.number).max() ?? 0) + 1, text: text, owner: owner, due: due),
                for: incident.id
            )

        case .completeAction(let number):
            let incident = try latest()
            try permit(.manageActions, incident)
            guard let item = incident.actionItems.first(where: { $0.number == number }) else {
                throw CommandError("\(incident.id) has no action item \(number); see them with /incident actions.")
            }
            guard !item.isDone else { throw CommandError("Action item \(number) of \(incident.id) is already done.") }
            emit(.actionCompleted(number: number), for: incident.id)

        case .reassignAction(let number, let owner):
            let incident = try latest()
            try permit(.manageActions, incident)
            guard let item = incident.actionItems.first(where: { $0.number == number }) else {
                throw CommandError("\(incident.id) has no action item \(number); see them with /incident actions.")
            }
            guard !item.isDone else { throw CommandError("Action item \(number) of \(incident.id) is already done.") }
            guard item.owner != owner else { throw CommandError("\(owner) already owns action item \(number) of \(incident.id).") }
            emit(.actionReassigned(number: number, owner: owner, previous: item.owner), for: incident.id)

        case .learn(let kind, let text):
            let incident = try latest()
            try permit(.learn, incident)
            emit(.learningRecorded(kind: kind, text: text), for: incident.id)

        case .addWhy(let text):
            let incident = try latest()
            try permit(.learn, incident)
            guard incident.whys.count < 10 else {
                throw CommandError("\(incident.id) already has 10 whys; the root cause is usually found by the fifth.")
            }
            emit(.whyRecorded(text: text), for: incident.id)

        case .link(let other, let note):
            let incident = try latest()
            try permit(.learn, incident)
            guard other != incident.id else { throw CommandError("An incident cannot be linked to itself.", usage: VerbCatalog.usage("link")) }
            guard !incident.links.contains(where: { $0.incident == other }) else {
                throw CommandError("\(incident.id) is already linked to \(other).")
            }
            emit(.incidentLinked(to: other, note: note), for: incident.id)

        case .setPrivate(let isPrivate):
            let incident = try latest()
            try permit(.visibility, incident)
            guard incident.isPrivate != isPrivate else {
                throw CommandError("\(incident.id) is already \(isPrivate ? "private" : "public").")
            }
            emit(.visibilityChanged(isPrivate: isPrivate), for: incident.id)

        case .escalate(let level, let user):
            let incident = try active()
            try permit(.escalate, incident)
            emit(.escalated(level: level, user: user), for: incident.id)
            if let user {
                emit(.paged(level: 0, user: user, rotation: ""), for: incident.id)
            } else {
                page(from: level ?? min(4, (incident.pages.map(\.level).max() ?? 1) + 1), for: incident.id)
            }

        case .handover(let user, let notes):
            try permit(.handover, state.activeIncident)
            guard user != context.actor else { throw CommandError("Hand over to someone else than yourself.", usage: VerbCatalog.usage("handover")) }
            emit(.handoverRecorded(to: user, notes: notes), for: state.activeID)

        case .snooze(let span):
            let incident = try active()
            try permit(.snooze, incident)
            emit(.snoozed(until: context.now.addingTimeInterval(span.timeInterval)), for: incident.id)

        case .remind(let setting):
            let incident = try active()
            try permit(.remind, incident)
            guard setting != incident.reminders else { throw CommandError("Reminders of \(incident.id) are already set that way.") }
            emit(.remindersChanged(setting: setting), for: incident.id)

        case .report(let text):
            emit(.reportFiled(number: (state.reports.map(\.number).max() ?? 0) + 1, text: text), for: nil)

        case .dismissReport(let number, let reason):
            _ = try openReport(number)
            emit(.reportDismissed(number: number, reason: reason), for: nil)

        case .acknowledgeHandover:
            guard let handover = state.handover, handover.acknowledgedAt == nil else {
                throw CommandError("There is no handover waiting for acknowledgement in this channel.")
            }
            guard handover.to == context.actor else {
                throw CommandError("The handover is for \(handover.to); only they can acknowledge it.")
            }
            emit(.handoverAcknowledged, for: nil)

        case .help, .oncall, .timeline, .summary, .listActions, .postmortem, .listReports:
            break
        }
    }

    /// The active incident, or a refusal that says how to declare one.
    func active() throws(CommandError) -> Incident {
        guard let incident = state.activeIncident else {
            if let latest = state.latestIncident {
                throw CommandError(
                    "There is no active incident in this channel (\(latest.id) is resolved; reopen it with /incident reopen). \(Self.declareHint)"
                )
            }
            throw CommandError("There is no active incident in this channel. \(Self.declareHint)")
        }
        return incident
    }

    /// The active incident, else the most recent one (for notes, action items and read-only views after resolution).
    func latest() throws(CommandError) -> Incident {
        guard let incident = state.activeIncident ?? state.latestIncident else {
            throw CommandError("There is no incident in this channel yet. \(Self.declareHint)")
        }
        return incident
    }

    private func permit(_ action: GuardedAction, _ incident: Incident?) throws(CommandError) {
        guard let holders = configuration.permissions.holdersRequired(for: action, in: incident),
            !holders.contains(where: { $0.1 == context.actor })
        else { return }
        let names = holders.map { "the \($0.0.title) (\($0.1))" }.joined(separator: " or ")
        let takeOver = holders.first.map { " To take over: /incident role \($0.0.rawValue) @you" } ?? ""
        let target = incident.map { " \($0.id)" } ?? ""
        throw CommandError("Only \(names) can \(action.phrase)\(target).\(takeOver)")
    }

    mutating func emit(_ event: IncidentEvent, for incident: IncidentID?) {
        records.append(self.event(event, for: incident))
    }

    /// The record for `event`, numbered after those already collected.
    func event(_ event: IncidentEvent, for incident: IncidentID?) -> EventRecord {
        EventRecord(sequence: state.lastSequence + records.count + 1, at: context.now, actor: context.actor, incident: incident, event: event)
    }
}
