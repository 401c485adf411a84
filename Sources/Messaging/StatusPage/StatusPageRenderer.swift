import Foundation
import IncidentKit
import Mustache

/// Renders the status page as HTML (no JavaScript), an incident's own page, and an Atom feed.
package struct StatusPageRenderer: Sendable {
    private let page: MustacheTemplate
    private let incidentPage: MustacheTemplate
    private let feed: MustacheTemplate

    package init() {
        // The templates are part of the binary and covered by tests; a parse failure is a build defect.
        page = try! MustacheTemplate(string: StatusPageTemplates.page)
        incidentPage = try! MustacheTemplate(string: StatusPageTemplates.incident)
        feed = try! MustacheTemplate(string: StatusPageTemplates.feed)
    }

    package func html(_ status: StatusPage) -> String {
        let overallText =
            status.active.isEmpty
            ? "All systems operational"
            : "\(status.active.count) active incident\(status.active.count == 1 ? "" : "s")"
        return page.render(
            common(status, pageTitle: status.title).merging([
                "title": status.title, "overall": status.overall, "overallText": overallText,
                "active": status.active.map(values), "days": status.history.count,
                "history": status.history.map(dayValues), "resolved": status.resolved.map(values), "hasResolved": !status.resolved.isEmpty,
            ]) { $1 }
        )
    }

    package func html(_ incident: StatusIncident, page status: StatusPage) -> String {
        incidentPage.render(common(status, pageTitle: "\(incident.title) · \(status.title)").merging(values(incident)) { $1 })
    }

    /// The newest `limit` stakeholder entries of the page's incidents, newest first.
    package func atom(_ status: StatusPage, limit: Int = 50) -> String {
        let entries = (status.active + status.resolved).flatMap { incident in
            incident.updates.enumerated().map { (incident, incident.updates.count - $0.offset, $0.element) }
        }.sorted { $0.2.at > $1.2.at }.prefix(limit)
        return feed.render([
            "title": status.title,
            "updated": ISOTimestamp.format(entries.first?.2.at ?? status.generatedAt),
            "entries": entries.map { incident, number, entry in
                [
                    "id": incident.id, "number": number, "incidentTitle": incident.title, "label": entry.label,
                    "updated": ISOTimestamp.format(entry.at), "text": entry.text,
                ] as [String: Any]
            },
        ])
    }

    private func common(_ status: StatusPage, pageTitle: String) -> [String: Any] {
        ["pageTitle": pageTitle, "style": StatusPageTemplates.style, "generated": UTC.minute(status.generatedAt)]
    }

    private func values(_ incident: StatusIncident) -> [String: Any] {
        var values: [String: Any] = [
            "id": incident.id, "title": incident.title, "severity": incident.severity,
            "severityName": "\(incident.severity.uppercased()) (\(incident.severityLabel))",
            "status": incident.status.prefix(1).uppercased() + incident.status.dropFirst(),
            "declared": UTC.minute(incident.declaredAt),
            "updates": incident.updates.map { ["label": $0.label, "at": UTC.minute($0.at), "text": $0.text] as [String: Any] },
        ]
        if let impact = incident.impact { values["impact"] = impact }
        if let resolved = incident.resolvedAt { values["resolvedAt"] = UTC.minute(resolved) }
        if let next = incident.nextUpdateAt, incident.resolvedAt == nil { values["next"] = UTC.minute(next) }
        if let latest = incident.updates.first { values["latest"] = ["at": UTC.minute(latest.at), "text": latest.text] }
        return values
    }

    private func dayValues(_ day: StatusDay) -> [String: Any] {
        let label =
            day.worstSeverity.map { "\(day.date): \($0.uppercased()), \(day.incidents.joined(separator: ", "))" } ?? "\(day.date): no incident"
        return ["severity": day.worstSeverity ?? "none", "label": label]
    }
}
