import Foundation
import IncidentKit

/// Drafts a blameless postmortem in Markdown from an incident and its events.
public enum PostmortemWriter {
    public static func markdown(_ incident: Incident, records: [EventRecord]) -> String {
        let entries = records.filter { $0.incident == incident.id }
        let metrics = ResponseMetrics(incident: incident)
        let contributors = Array(Set(entries.map(\.actor))).sorted { $0.id < $1.id }
        func text(_ value: String) -> String { Markup.markdown.escape(value) }
        func span(_ value: TimeSpan?) -> String { value?.spoken ?? "not recorded" }

        var lines: [String] = []
        lines.append("# Postmortem: \(text(incident.title)) (\(incident.id))")
        lines.append("")
        lines.append("_Blameless draft: people appear by role and action, never as causes. Edit before sharing._")
        lines.append("")
        lines.append("## Metadata")
        lines.append("- **Incident:** \(incident.id)")
        lines.append("- **Date:** \(UTC.minute(incident.declaredAt))")
        lines.append("- **Duration:** \(span(metrics.duration))")
        lines.append("- **Severity:** \(incident.severity)")
        lines.append("- **Incident Commander:** \(incident.roles[.ic].map { text($0.description) } ?? "not assigned")")
        lines.append("- **Contributors:** \(contributors.map { text($0.description) }.joined(separator: ", "))")
        lines.append("")
        lines.append("## Summary")
        lines.append(incident.lastUpdate.map { text($0.text) } ?? "_To be written._")
        lines.append("")
        lines.append("## Impact")
        lines.append(incident.impact.map(text) ?? "_Not assessed during the incident._")
        lines.append("")
        lines.append("## Root cause")
        lines.append(incident.rootCause.map(text) ?? "_Not determined yet._")
        lines.append("")
        lines.append("## Response metrics")
        lines.append("| measure | value |")
        lines.append("|---|---|")
        lines.append("| Time to acknowledge | \(span(metrics.timeToAcknowledge)) |")
        lines.append("| Time to mitigate | \(span(metrics.timeToMitigate)) |")
        lines.append("| Time to resolve | \(span(metrics.timeToResolve)) |")
        lines.append("")
        lines.append("## Timeline (UTC)")
        for entry in entries { lines.append("- \(UTC.minute(entry.at).dropLast(4)) \(text(EventDescriber.describe(entry)))") }
        lines.append("")
        lines.append("## Action items")
        if incident.actionItems.isEmpty {
            lines.append("_None recorded._")
        } else {
            lines.append("| # | description | owner | due | status |")
            lines.append("|---|---|---|---|---|")
            for item in incident.actionItems {
                lines.append("| \(item.number) | \(text(item.text)) | \(text(item.owner.description)) | \(item.due?.description ?? "none") | \(item.isDone ? "done" : "open") |")
            }
        }
        lines.append("")
        lines.append("## Lessons learned")
        lines.append("_To be written._")
        return lines.joined(separator: "\n")
    }
}
