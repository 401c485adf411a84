/// What the team's tracker answered about the issue of one action item, fed back as an input so that the link (or
/// the refusal) is an event of the incident's log like everything else.
package struct TrackerAnswer: Sendable, Equatable {
    package enum Result: Sendable, Equatable {
        /// Created (or found already created): its key and address.
        case created(TrackerLink)
        /// Refused for good (401, 403, 404, 400…), with the tracker's reason.
        case refused(String)
    }

    package var incident: IncidentID
    package var item: Int
    package var result: Result

    package init(incident: IncidentID, item: Int, result: Result) {
        self.incident = incident
        self.item = item
        self.result = result
    }
}

/// What an effect asks of the tracker for one action item.
package enum TrackerAction: String, Sendable, Codable {
    /// Create the item's issue (looking first for one an earlier attempt created).
    case create
    /// The item is done: close or transition the issue.
    case close
    /// The item changed owner: update the issue.
    case update
}
