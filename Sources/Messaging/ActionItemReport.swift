import Foundation
import IncidentKit

/// The action items of many incidents as one list, for `firebell actions`: the follow-ups a team promised.
package struct ActionItemReport: Sendable {
    /// One item with the incident it came from.
    package struct Row: Sendable, Equatable {
        package var incident: IncidentID
        package var incidentTitle: String
        package var item: ActionItem
        /// The owner, by the name they go by.
        package var owner: String
    }

    package private(set) var rows: [Row]

    /// - Parameter overdueOn: when given, only open items due before this day.
    package init(incidents: [(Incident, PeopleNames)], overdueOn today: CalendarDate? = nil) {
        rows = incidents.flatMap { incident, names in
            incident.actionItems.map { Row(incident: incident.id, incidentTitle: incident.title, item: $0, owner: names.name($0.owner)) }
        }.filter { row in
            guard let today else { return true }
            return !row.item.isDone && (row.item.due.map { $0 < today } ?? false)
        }.sorted {
            ($0.item.due?.description ?? "9999", $0.incident.description, $0.item.number)
                < ($1.item.due?.description ?? "9999", $1.incident.description, $1.item.number)
        }
    }

    /// A plain-text table, or a sentence when there is nothing to list.
    package func text(overdueOnly: Bool) -> String {
        guard !rows.isEmpty else { return overdueOnly ? "No overdue action items." : "No action items recorded." }
        let header = ["due", "status", "incident", "#", "owner", "action item"]
        let body = rows.map { row in
            [
                row.item.due?.description ?? "none", row.item.isDone ? "done" : "open", row.incident.description,
                String(row.item.number), row.owner, "\(row.item.text) (\(row.incidentTitle))",
            ]
        }
        let widths = (0..<header.count - 1).map { column in ([header] + body).map { $0[column].count }.max()! }
        return ([header] + body).map { cells in
            cells.enumerated().map { index, cell in
                index < widths.count ? cell.padding(toLength: widths[index], withPad: " ", startingAt: 0) : cell
            }.joined(separator: "  ")
        }.joined(separator: "\n")
    }
}
