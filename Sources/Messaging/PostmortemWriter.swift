import Foundation
import IncidentKit

/// Drafts a blameless postmortem in Markdown from an incident and its events, following the classic template.
package struct PostmortemWriter: Sendable {
    package let configuration: EngineConfiguration

    package init(configuration: EngineConfiguration = .standard) { self.configuration = configuration }

    /// - Parameters:
    ///   - relatedTitles: titles of linked incidents, where the caller can find them.
    ///   - names: the names people go by in the channel; the draft names people, never platform ids.
    package func markdown(
        _ incident: Incident,
        records: [EventRecord],
        relatedTitles: [IncidentID: String] = [:],
        names: PeopleNames = PeopleNames()
    ) -> String {
        let entries = records.filter { $0.incident == incident.id }
        var draft = PostmortemDraft(names: names)
        draft.header(incident, entries: entries, metrics: ResponseMetrics(incident: incident))
        draft.section("Summary", incident.lastUpdate.map { text($0.text) } ?? "_To be written._")
        draft.impact(incident)
        draft.section("Root cause", incident.rootCause.map(text) ?? "_Not determined yet._")
        draft.timeline(entries)
        draft.detection(incident)
        draft.metrics(ResponseMetrics(incident: incident))
        draft.compliance(UpdateCompliance(records: entries, incident: incident.id, configuration: configuration), incident: incident)
        draft.learnings(incident)
        draft.fiveWhys(incident)
        draft.actionItems(incident)
        draft.related(incident, titles: relatedTitles)
        draft.section("Lessons learned", "_To be written by the team: what this incident taught about the system and the process._")
        return draft.lines.joined(separator: "\n")
    }
}

/// Escapes user text for the draft, without the backslash noise of chat Markdown.
private func text(_ value: String) -> String { DocumentMarkdown.escape(value) }

/// The draft being written, one section after the other.
struct PostmortemDraft {
    var lines: [String] = []
    let names: PeopleNames

    init(names: PeopleNames) { self.names = names }

    /// A person, by the name they go by, Markdown-escaped.
    func person(_ user: UserRef) -> String { text(names.name(user)) }

    static func span(_ value: TimeSpan?) -> String { value?.spoken ?? "not recorded" }

    mutating func section(_ title: String, _ body: String...) {
        lines.append("")
        lines.append("## \(title)")
        lines += body
    }

    mutating func header(_ incident: Incident, entries: [EventRecord], metrics: ResponseMetrics) {
        var contributors: [UserRef] = []
        for entry in entries where entry.actor != PostmortemDraft.bot && !contributors.contains(entry.actor) { contributors.append(entry.actor) }
        lines.append("# Postmortem: \(text(incident.title)) (\(incident.id))")
        lines.append("")
        lines.append(
            "_Blameless draft: people appear by role and action, never as causes; look for what in the system and "
                + "the process allowed the failure. Edit before sharing._"
        )
        section(
            "Metadata",
            "- **Incident:** \(incident.id)",
            "- **Date:** \(UTC.minute(incident.declaredAt))",
            "- **Duration:** \(Self.span(metrics.duration))",
            "- **Severity:** \(incident.severity)",
            "- **Author:** \(author(incident))",
            "- **Incident Commander:** \(incident.roles[.ic].map(person) ?? "not assigned")",
            "- **Roles:** \(roleList(incident))",
            "- **Contributors:** \(contributors.map(person).joined(separator: ", "))"
        )
    }

    private func author(_ incident: Incident) -> String {
        if let author = incident.postmortemAuthor { return person(author) }
        let hint = "name the author with /incident postmortem author @user"
        guard let ic = incident.roles[.ic] else { return "not named (\(hint))" }
        return "\(person(ic)), the Incident Commander (or \(hint))"
    }

    /// The customer-facing statement, then the template's four impact fields, each marked where not yet recorded.
    mutating func impact(_ incident: Incident) {
        section("Impact", incident.impact.map(text) ?? "_Not assessed during the incident._", "")
        for aspect in ImpactAspect.allCases {
            let recorded = incident.impactDetails[aspect].map(text)
            lines.append("- **\(aspect.title):** \(recorded ?? "_not recorded (/incident impact \(aspect.rawValue): …)_")")
        }
    }

    private func roleList(_ incident: Incident) -> String {
        let assigned = Role.allCases.compactMap { role in incident.roles[role].map { "\(role.title) \(person($0))" } }
        return assigned.isEmpty ? "none assigned" : assigned.joined(separator: ", ")
    }

    mutating func timeline(_ entries: [EventRecord]) {
        section("Timeline (UTC)", "| Time | Event |", "|---|---|")
        lines += entries.map { "| \(UTC.minute($0.at).dropLast(4)) | \(text(EventDescriber.describe($0, names: names))) |" }
    }

    mutating func detection(_ incident: Incident) {
        let declared = "Declared by \(person(incident.declaredBy)) at \(UTC.minute(incident.declaredAt))."
        if let detection = incident.detection {
            var lines = [
                "- Detected automatically by \(text(detection.source)) (alert group \(text(detection.key))) at \(UTC.minute(detection.detectedAt)); "
                    + "it opened the incident in triage."
            ]
            if let started = detection.startedAt {
                lines.append(
                    "- The failure started at \(UTC.minute(started)) (the alert's start); "
                        + "time from failure to detection: \(TimeSpan.between(started, detection.detectedAt).spoken)."
                )
            } else {
                lines.append("- The alert did not say when the failure started.")
            }
            section("Detection", lines[0], lines[1])
        } else if incident.detectedAt < incident.declaredAt {
            section(
                "Detection",
                "- Reported at \(UTC.minute(incident.detectedAt)) (a customer report); \(declared)",
                "- Time from report to declaration: \(TimeSpan.between(incident.detectedAt, incident.declaredAt).spoken)."
            )
        } else {
            section(
                "Detection",
                "- \(declared)",
                "- When the failure started is not recorded (no alert start); measures below count from the declaration."
            )
        }
    }

    mutating func metrics(_ metrics: ResponseMetrics) {
        section(
            "Response metrics",
            "| measure | value |",
            "|---|---|",
            "| Time to acknowledge | \(Self.span(metrics.timeToAcknowledge)) |",
            "| Time to mitigate | \(Self.span(metrics.timeToMitigate)) |",
            "| Time to resolve | \(Self.span(metrics.timeToResolve)) |"
        )
    }

    mutating func compliance(_ compliance: UpdateCompliance, incident: Incident) {
        section("Update compliance")
        guard !compliance.entries.isEmpty else {
            lines.append("No Status Update was due by the \(incident.severity) cadence while the incident was active.")
            appendSnoozes(compliance)
            return
        }
        lines.append(
            "\(compliance.onTimeCount) of \(compliance.entries.count) expected updates were posted on time; "
                + "\(compliance.holdingCount) holding update(s) were posted by the bot; "
                + "longest time without an update: \(Self.span(compliance.longestGap))."
        )
        lines.append("")
        lines.append("| expected (UTC) | posted (UTC) | result |")
        lines.append("|---|---|---|")
        for entry in compliance.entries {
            let posted = entry.actual.map { UTC.minute($0).dropLast(4) }.map(String.init) ?? "—"
            let result =
                switch entry.outcome {
                case .onTime: "on time"
                case .late(let by): "late by \(by.spoken)"
                case .holding(let late): "no update; holding post by the bot \(late.spoken) after"
                case .missed: "not posted before resolution"
                }
            lines.append("| \(UTC.minute(entry.expected).dropLast(4)) | \(posted) | \(result) |")
        }
        appendSnoozes(compliance)
    }

    private mutating func appendSnoozes(_ compliance: UpdateCompliance) {
        for snooze in compliance.snoozes {
            lines.append("- Reminders snoozed at \(UTC.minute(snooze.at)) by \(person(snooze.by)) until \(UTC.minute(snooze.until)).")
        }
    }

    mutating func learnings(_ incident: Incident) {
        func list(_ kind: LearningKind) -> [String] {
            let items = incident.learnings.filter { $0.kind == kind }.map { "- \(text($0.text))" }
            return items.isEmpty ? ["_None recorded (add with /incident learn \(kind.rawValue) <text>)._"] : items
        }
        section("What went well")
        lines += list(.wentWell)
        section("What could be improved")
        lines += list(.toImprove)
    }

    mutating func fiveWhys(_ incident: Incident) {
        section("Root cause analysis (5 Whys)")
        if incident.whys.isEmpty {
            lines.append("_No whys recorded (add each answer in order with /incident why <text>)._")
        } else {
            lines += incident.whys.enumerated().map { "\($0.offset + 1). Why? \(text($0.element))" }
        }
    }

    mutating func actionItems(_ incident: Incident) {
        section("Action items")
        guard !incident.actionItems.isEmpty else {
            lines.append("_None recorded._")
            return
        }
        let tracked = incident.actionItems.contains { $0.tracker != nil }
        lines.append("| # | description | owner | due | status |" + (tracked ? " issue |" : ""))
        lines.append("|---|---|---|---|---|" + (tracked ? "---|" : ""))
        for item in incident.actionItems {
            let status = item.doneAt.map { "done \(UTC.minute($0).prefix(10))" } ?? "open"
            let issue = tracked ? " \(item.tracker.map { "[\(text($0.key))](\(Self.linkTarget($0.url)))" } ?? "—") |" : ""
            lines.append("| \(item.number) | \(text(item.text)) | \(person(item.owner)) | \(item.due?.description ?? "none") | \(status) |" + issue)
        }
    }

    mutating func related(_ incident: Incident, titles: [IncidentID: String]) {
        section("Related incidents")
        guard !incident.links.isEmpty else {
            lines.append("_None linked (relate one with /incident link <id>)._")
            return
        }
        for link in incident.links {
            var line = "- \(link.incident)"
            if let title = titles[link.incident] { line += " “\(text(title))”" }
            if let note = link.note { line += ": \(text(note))" }
            lines.append(line)
        }
    }

    static let bot = UserRef("firebell")

    /// A tracker's address as a Markdown link target: spaces and parentheses would end it early.
    static func linkTarget(_ url: String) -> String {
        url.replacingOccurrences(of: " ", with: "%20").replacingOccurrences(of: "(", with: "%28").replacingOccurrences(of: ")", with: "%29")
    }
}
