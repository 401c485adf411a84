import Foundation
import IncidentKit

/// An interactivity payload (`payload` form field), as far as Firebell acts on it.
public enum SlackInteraction: Sendable, Equatable {
    /// A click on one of Firebell's buttons.
    case button(actionID: String, incident: String, channel: ChannelRef, user: UserRef, triggerID: String?)
    /// The "Post update" modal was submitted.
    case updateSubmitted(channel: ChannelRef, user: UserRef, text: String, next: String?)
    /// Anything else: acknowledged and ignored.
    case ignored

    /// Reads the JSON of the `payload` field; nil when it is not an interaction payload.
    public init?(payload: String) {
        guard let object = try? JSONSerialization.jsonObject(with: Data(payload.utf8)) as? [String: Any],
            let type = object["type"] as? String
        else { return nil }
        let user = ((object["user"] as? [String: Any])?["id"] as? String).map(UserRef.init)
        let team = (object["team"] as? [String: Any])?["id"] as? String
        switch type {
        case "block_actions":
            guard let user, let team, let channel = (object["channel"] as? [String: Any])?["id"] as? String,
                let action = (object["actions"] as? [[String: Any]])?.first, let actionID = action["action_id"] as? String,
                actionID.hasPrefix("firebell."), let value = action["value"] as? String
            else {
                self = .ignored
                return
            }
            self = .button(
                actionID: actionID,
                incident: value,
                channel: ChannelRef(platform: .slack, workspace: team, channel: channel),
                user: user,
                triggerID: object["trigger_id"] as? String
            )
        case "view_submission":
            guard let user, let view = object["view"] as? [String: Any], view["callback_id"] as? String == SlackBlocks.updateModal,
                let metadata = view["private_metadata"] as? String, let channel = SlackInteraction.channel(fromMetadata: metadata),
                let values = (view["state"] as? [String: Any])?["values"] as? [String: [String: [String: Any]]]
            else {
                self = .ignored
                return
            }
            let text = values["update"]?["text"]?["value"] as? String ?? ""
            let next = values["next"]?["text"]?["value"] as? String
            self = .updateSubmitted(channel: channel, user: user, text: text, next: next?.isEmpty == true ? nil : next)
        default:
            self = .ignored
        }
    }

    /// The modal's `private_metadata`: which channel the update is for.
    public static func metadata(for channel: ChannelRef) -> String {
        "\(channel.workspace)/\(channel.channel)"
    }

    static func channel(fromMetadata metadata: String) -> ChannelRef? {
        let parts = metadata.split(separator: "/")
        guard parts.count == 2 else { return nil }
        return ChannelRef(platform: .slack, workspace: String(parts[0]), channel: String(parts[1]))
    }
}
