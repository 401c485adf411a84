import IncidentKit

/// A war room request as a platform carries it out.
package struct WarRoomDelivery: Sendable, Equatable {
    package var action: WarRoomAction
    package var incident: IncidentID
    /// For `setTopic`: the topic, plain text (severity, status, IC, title), at most 250 characters.
    package var topic: String

    package init(action: WarRoomAction, incident: IncidentID, topic: String) {
        self.action = action
        self.incident = incident
        self.topic = topic
    }

    /// The platform's answer to a create, as a delivery reference: `<channel id> <name it got>`.
    package static func reference(channel: String, name: String) -> String { "\(channel) \(name)" }

    /// The channel id and name in a create's delivery reference.
    package static func created(_ reference: String) -> (channel: String, name: String)? {
        let parts = reference.split(separator: " ", maxSplits: 1).map(String.init)
        guard parts.count == 2, !parts[0].isEmpty, !parts[1].isEmpty else { return nil }
        return (parts[0], parts[1])
    }
}
