import Foundation
import IncidentKit

/// Block Kit for Firebell's messages: the text as mrkdwn sections, and the quick actions as buttons.
package enum SlackBlocks {
    /// Button action ids, and the commands they run.
    package static let acknowledge = "firebell.ack"
    package static let postUpdate = "firebell.update"
    package static let snooze = "firebell.snooze30"
    /// The callback id of the "Post update" modal.
    package static let updateModal = "firebell.update.modal"

    /// Block Kit's limit on a section's text, in characters as Slack counts them (UTF-16 code units of the text as
    /// sent, so an escape such as `&amp;` counts whole).
    static let sectionLimit = 3000
    /// Block Kit's limit on blocks in one message.
    static let blockLimit = 50

    /// The message's blocks: the text split into sections, and the action buttons when the post offers them.
    static func blocks(text: String, actionsFor incident: IncidentID?) -> [SlackBlock] {
        let room = blockLimit - (incident == nil ? 0 : 1)
        var sections = SlackSectionSplitter.sections(text, limit: sectionLimit)
        if sections.count > room {
            sections = Array(sections.prefix(room - 1))
            sections.append("… the rest is too long for one Slack message; /incident timeline shows it all.")
        }
        var blocks = sections.map { SlackBlock.section(SlackText(mrkdwn: $0)) }
        if let incident {
            let value = incident.description
            blocks.append(
                .actions(
                    blockID: "firebell.actions",
                    elements: [
                        SlackButton(label: "Acknowledge", actionID: acknowledge, value: value, style: "primary"),
                        SlackButton(label: "Post update", actionID: postUpdate, value: value),
                        SlackButton(label: "Snooze 30 min", actionID: snooze, value: value),
                    ]
                )
            )
        }
        return blocks
    }

    /// The modal that asks for a Status Update; `metadata` carries the channel it belongs to.
    static func updateModalView(incident: String, metadata: String) -> SlackModal {
        SlackModal(
            callbackID: updateModal,
            privateMetadata: metadata,
            title: SlackText(plain: "Post a Status Update"),
            submit: SlackText(plain: "Post"),
            close: SlackText(plain: "Cancel"),
            blocks: [
                SlackInputBlock(blockID: "update", label: SlackText(plain: "What changed (\(incident))"), multiline: true),
                SlackInputBlock(blockID: "next", label: SlackText(plain: "Next update in (e.g. 30m)"), optional: true),
            ]
        )
    }
}
