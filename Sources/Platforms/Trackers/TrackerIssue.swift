import Foundation
import IncidentKit

/// One request to the team's tracker about an action item's issue, rendered from the incident as the transaction
/// left it. The issue's own key is filled in just before delivery for an update or a close (it is known once the
/// tracker answered the create, which may be after this request was planned).
package struct TrackerIssue: Sendable, Equatable {
    package var action: TrackerAction
    package var incident: IncidentID
    package var item: Int
    /// `INC-2026-0042 follow-up: Add a canary for the payment flow`.
    package var title: String
    /// Markdown: where the item comes from, its owner and due date.
    package var description: String
    /// The owner's name in chat (trackers have their own accounts; the name goes into the text).
    package var owner: String
    package var due: CalendarDate?
    /// Labels for the issue: `incident` and the incident id.
    package var labels: [String]
    /// The issue, once the tracker has created it.
    package var link: TrackerLink?

    package init(action: TrackerAction, incident: Incident, item: ActionItem, owner: String) {
        self.action = action
        self.incident = incident.id
        self.item = item.number
        title = String("\(incident.id) follow-up: \(item.text)".prefix(250))
        self.owner = owner
        due = item.due
        labels = ["incident", incident.id.description]
        link = item.tracker
        // A private incident's title stays in chat; the issue names only its id.
        let origin = incident.isPrivate ? "\(incident.id)" : "\(incident.id) “\(incident.title)” (\(incident.severity))"
        description = [
            "Action item \(item.number) from incident \(origin).",
            "",
            "Owner: \(owner). Due: \(item.due?.description ?? "not set").",
            "",
            "Created by Firebell; closing the item with `/incident action done \(item.number)` closes this issue.",
        ].joined(separator: "\n")
    }

    /// A request about an item the incident does not hold: delivery refuses it.
    package init(action: TrackerAction, incident: IncidentID, item: Int) {
        self.action = action
        self.incident = incident
        self.item = item
        title = ""
        description = ""
        owner = ""
        labels = []
    }

    /// The delivery reference of a created issue: its key and address (`OPS-12 https://…`).
    package static func reference(_ link: TrackerLink) -> String { "\(link.key) \(link.url)" }

    /// Marks an issue as the one made for an effect, so a retry after an ambiguous failure or a restart finds it
    /// instead of creating a second one.
    package static func marker(_ key: String) -> String { "firebell-effect: \(key)" }
}
