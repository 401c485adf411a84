import Foundation

/// Plain-text sentences for events: the lines of the timeline and of channel notices.
package enum EventDescriber {
    /// The sentence for `record`, naming people by the names they go by (`names`), else `@id`.
    package static func describe(_ record: EventRecord, names: PeopleNames = PeopleNames()) -> String {
        let who = names.name(record.actor)
        func name(_ user: UserRef) -> String { names.name(user) }
        switch record.event {
        case .declared(let title, let severity, let impact, let systems):
            var line = "\(who) declared \(severity) “\(title)”"
            if let impact { line += ", impact: \(impact)" }
            if !systems.isEmpty { line += ", systems: \(systems.joined(separator: ", "))" }
            return line
        case .warRoomRequested(let request):
            return "\(who) declared \(request.severity) “\(request.title)”; it gets a channel of its own: #\(request.name)"
        case .warRoomOpened(_, let name):
            return "the incident runs in its own channel #\(name)"
        case .warRoomRefused(let reason):
            return "the incident could not get a channel of its own (\(reason)), so it runs here"
        case .warRoomLinked(let requestedIn, let name):
            return "Firebell opened #\(name) for this incident (declared in \(requestedIn.channel))"
        case .warRoomArchived:
            return "Firebell archived this channel, the incident resolved"
        case .acknowledged:
            return "\(who) acknowledged"
        case .severityChanged(let from, let to, let reason):
            let verb = to.isMoreSevere(than: from) ? "raised" : "lowered"
            return "\(who) \(verb) severity \(from) → \(to)" + (reason.map { ": \($0)" } ?? "")
        case .roleAssigned(let role, let user, let previous):
            if user == record.actor, let previous {
                return "\(who) took over as \(role.title) from \(name(previous))"
            }
            let subject = user == record.actor ? "\(who) took the role of \(role.title)" : "\(who) made \(name(user)) \(role.title)"
            return subject + (previous.map { " (was \(name($0)))" } ?? "")
        case .statusChanged(let from, let to):
            return "\(who) changed status \(from.title) → \(to.title)"
        case .impactSet(let text):
            return "\(who) set the impact: \(text)"
        case .impactDetailRecorded(let aspect, let text):
            return "\(who) recorded the \(aspect.title.lowercased()): \(text)"
        case .runbookLinked(let url):
            return "\(who) linked the runbook \(url)"
        case .actionTracked(let number, let key, let url):
            return "\(who) linked action item \(number) to \(key) (\(url))"
        case .actionTrackingRefused(let number, let owner, let reason):
            return "the tracker refused to create the issue of action item \(number) (owner \(name(owner))): \(reason). "
                + "Create it by hand, or fix the tracker's settings; the item stays on the incident."
        case .postmortemAuthorSet(let user):
            return "\(who) named \(names.name(user)) the postmortem's author"
        case .systemsSet(let systems):
            return "\(who) set the affected systems: \(systems.joined(separator: ", "))"
        case .updatePosted(let text, let next, _):
            return "\(who) posted a Status Update: \(text)" + (next.map { " (next update by \(UTC.minute($0)))" } ?? "")
        case .notePosted(let text):
            return "\(who) noted: \(text)"
        case .mitigated(let text):
            return "\(who) marked the impact mitigated" + (text.map { ": \($0)" } ?? "")
        case .resolved(let cause):
            return "\(who) resolved the incident" + (cause.map { " (root cause: \($0))" } ?? "")
        case .reopened(let reason):
            return "\(who) reopened the incident" + (reason.map { ": \($0)" } ?? "")
        case .actionAdded(let number, let text, let owner, let due):
            return "\(who) added action item \(number): \(text) (owner \(name(owner))" + (due.map { ", due \($0)" } ?? "") + ")"
        case .actionCompleted(let number):
            return "\(who) completed action item \(number)"
        case .escalated(let level, let user):
            if let user { return "\(who) escalated to \(name(user))" }
            if let level { return "\(who) escalated to level L\(level)" }
            return "\(who) escalated to the next on-call level"
        case .handoverRecorded(let user, let notes):
            return "\(who) handed the on-call shift over to \(name(user)): \(notes)"
        case .snoozed(let until):
            return "\(who) snoozed update reminders until \(UTC.minute(until))"
        case .remindersChanged(let setting):
            switch setting {
            case .off: return "\(who) turned update reminders off"
            case .cadence: return "\(who) set update reminders back to the severity's cadence"
            case .every(let interval): return "\(who) set update reminders every \(interval)"
            }
        case .reminderSent(let kind, let due):
            return "\(who) sent a reminder: \(kind.summary) (due \(UTC.minute(due)))"
        case .holdingUpdatePosted(let due, _):
            return "\(who) posted a holding Status Update: no update had come in by \(UTC.minute(due))"
        case .postmortemDrafted:
            return "\(who) drafted the postmortem"
        case .learningRecorded(let kind, let text):
            return "\(who) noted \(kind == .wentWell ? "what went well" : "what to improve"): \(text)"
        case .whyRecorded(let text):
            return "\(who) answered a why: \(text)"
        case .incidentLinked(let other, let note):
            return "\(who) linked \(other) as sharing the root cause" + (note.map { ": \($0)" } ?? "")
        case .actionReassigned(let number, let owner, let previous):
            return "\(who) reassigned action item \(number) to \(name(owner)) (was \(name(previous)))"
        case .alertDetected(let source, let key, let startedAt, let labels, let links, let firing):
            var line = "\(source) reported alert group \(key) (\(firing) firing"
            if let startedAt { line += ", started \(UTC.minute(startedAt))" }
            line += ")"
            if !labels.isEmpty { line += "; labels: " + labels.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: ", ") }
            if !links.isEmpty { line += "; links: " + links.joined(separator: " ") }
            return line
        case .alertsChanged(let key, let firing, let resolved):
            return "\(who) updated alert group \(key): \(firing) firing, \(resolved) resolved"
        case .alertRecovered(let key):
            return "\(who) shows recovery: every alert of \(key) has resolved"
        case .messagePinned(let message):
            let author = message.author.map(name) ?? "an app"
            return "\(who) pinned a message by \(author) (posted \(UTC.minute(message.postedAt))): \(message.oneLine)"
                + (message.link.map { " \($0)" } ?? "")
        case .messageUnpinned:
            return "\(who) took the pin off a message (it stays on the timeline)"
        case .pageHeld(let level, let until):
            return "Firebell held the L\(level) page until business hours begin (\(UTC.minute(until)))"
        case .paged(let level, let user, let rotation):
            return level == 0 ? "\(who) paged \(name(user)) by name" : "\(who) paged \(name(user)), L\(level) on call for \(rotation)"
        case .reportFiled(let number, let text):
            return "\(who) filed report \(number): \(text)"
        case .reportDismissed(let number, let reason):
            return "\(who) dismissed report \(number)" + (reason.map { ": \($0)" } ?? "")
        case .reportDeclared(let number, let reportedAt):
            return "\(who) declared the incident from report \(number) (reported \(UTC.minute(reportedAt)))"
        case .handoverAcknowledged:
            return "\(who) acknowledged the handover"
        case .visibilityChanged(let isPrivate):
            return isPrivate
                ? "\(who) made the incident private (no audience channels, not on the status page)"
                : "\(who) made the incident public (audience channels and the status page)"
        }
    }
}
