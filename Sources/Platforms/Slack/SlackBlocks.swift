import Foundation
import IncidentKit

/// Block Kit for Firebell's messages: the text as a section, and the quick actions as buttons.
public enum SlackBlocks {
    /// Button action ids, and the commands they run.
    public static let acknowledge = "firebell.ack"
    public static let postUpdate = "firebell.update"
    public static let snooze = "firebell.snooze30"
    /// The callback id of the "Post update" modal.
    public static let updateModal = "firebell.update.modal"

    /// A section with the message text (Slack caps a section at 3,000 characters) and the action buttons.
    static func withActions(text: String, incident: IncidentID) -> [[String: Any]] {
        let value = incident.description
        func button(_ label: String, _ actionID: String, style: String? = nil) -> [String: Any] {
            var button: [String: Any] = ["type": "button", "text": ["type": "plain_text", "text": label], "action_id": actionID, "value": value]
            if let style { button["style"] = style }
            return button
        }
        return [
            ["type": "section", "text": ["type": "mrkdwn", "text": String(text.prefix(3000))]],
            [
                "type": "actions", "block_id": "firebell.actions",
                "elements": [
                    button("Acknowledge", acknowledge, style: "primary"), button("Post update", postUpdate), button("Snooze 30 min", snooze),
                ],
            ],
        ]
    }

    /// The modal that asks for a Status Update; `metadata` carries the channel it belongs to.
    static func updateModalView(incident: String, metadata: String) -> [String: Any] {
        [
            "type": "modal", "callback_id": updateModal, "private_metadata": metadata,
            "title": ["type": "plain_text", "text": "Post a Status Update"],
            "submit": ["type": "plain_text", "text": "Post"],
            "close": ["type": "plain_text", "text": "Cancel"],
            "blocks": [
                [
                    "type": "input", "block_id": "update", "label": ["type": "plain_text", "text": "What changed (\(incident))"],
                    "element": ["type": "plain_text_input", "action_id": "text", "multiline": true],
                ],
                [
                    "type": "input", "block_id": "next", "optional": true, "label": ["type": "plain_text", "text": "Next update in (e.g. 30m)"],
                    "element": ["type": "plain_text_input", "action_id": "text"],
                ],
            ],
        ]
    }
}
