import Foundation
import IncidentKit

/// An interactivity payload (`payload` form field), as far as Firebell acts on it.
package enum SlackInteraction: Sendable, Equatable {
    /// A click on one of Firebell's buttons.
    case button(actionID: String, incident: String, channel: ChannelRef, user: UserRef, triggerID: String?)
    /// The "Post update" modal was submitted.
    case updateSubmitted(channel: ChannelRef, user: UserRef, text: String, next: String?)
    /// A message shortcut ("Declare incident", "Add to timeline") used on a message.
    case messageShortcut(SlackMessageShortcut, channel: ChannelRef, user: UserRef, message: ChatMessage, responseURL: String?)
    /// Anything else: acknowledged and ignored.
    case ignored

    /// The parts of an interaction payload Firebell reads.
    struct Payload: Decodable {
        struct Reference: Decodable {
            var id: String
            /// A team's subdomain (`acme` of acme.slack.com), for permalinks.
            var domain: String?
        }
        struct Message: Decodable {
            var ts: String
            var text: String?
            var user: String?
        }
        struct Action: Decodable {
            var actionID: String
            var value: String?

            enum CodingKeys: String, CodingKey {
                case value
                case actionID = "action_id"
            }
        }
        struct View: Decodable {
            struct State: Decodable {
                var values: [String: [String: Input]]
            }
            struct Input: Decodable {
                var value: String?
            }
            var callbackID: String?
            var privateMetadata: String?
            var state: State?

            enum CodingKeys: String, CodingKey {
                case state
                case callbackID = "callback_id"
                case privateMetadata = "private_metadata"
            }
        }

        var type: String
        var user: Reference?
        var team: Reference?
        var channel: Reference?
        var actions: [Action]?
        var triggerID: String?
        var view: View?
        var callbackID: String?
        var message: Message?
        var responseURL: String?

        enum CodingKeys: String, CodingKey {
            case type, user, team, channel, actions, view, message
            case triggerID = "trigger_id"
            case callbackID = "callback_id"
            case responseURL = "response_url"
        }
    }

    /// Reads the JSON of the `payload` field; nil when it is not an interaction payload.
    package init?(payload: String) {
        guard let decoded = try? JSONDecoder().decode(Payload.self, from: Data(payload.utf8)) else { return nil }
        let user = decoded.user.map { UserRef($0.id) }
        switch decoded.type {
        case "block_actions":
            guard let user, let team = decoded.team?.id, let channel = decoded.channel?.id, let action = decoded.actions?.first,
                action.actionID.hasPrefix("firebell."), let value = action.value
            else {
                self = .ignored
                return
            }
            self = .button(
                actionID: action.actionID,
                incident: value,
                channel: ChannelRef(platform: .slack, workspace: team, channel: channel),
                user: user,
                triggerID: decoded.triggerID
            )
        case "message_action":
            guard let user, let team = decoded.team, let channel = decoded.channel?.id, let message = decoded.message,
                let shortcut = decoded.callbackID.flatMap(SlackMessageShortcut.init(rawValue:))
            else {
                self = .ignored
                return
            }
            let link = team.domain.map { "https://\($0).slack.com/archives/\(channel)/p\(message.ts.replacingOccurrences(of: ".", with: ""))" }
            self = .messageShortcut(
                shortcut,
                channel: ChannelRef(platform: .slack, workspace: team.id, channel: channel),
                user: user,
                message: ChatMessage(
                    id: message.ts,
                    author: message.user.map(UserRef.init),
                    text: message.text ?? "",
                    postedAt: Date(timeIntervalSince1970: TimeInterval(message.ts) ?? 0),
                    link: link
                ),
                responseURL: decoded.responseURL
            )
        case "view_submission":
            guard let user, let view = decoded.view, view.callbackID == SlackBlocks.updateModal, let metadata = view.privateMetadata,
                let channel = SlackInteraction.channel(fromMetadata: metadata), let values = view.state?.values
            else {
                self = .ignored
                return
            }
            let text = values["update"]?["text"]?.value ?? ""
            let next = values["next"]?["text"]?.value
            self = .updateSubmitted(channel: channel, user: user, text: text, next: next?.isEmpty == true ? nil : next)
        default:
            self = .ignored
        }
    }

    /// The modal's `private_metadata`: which channel the update is for.
    package static func metadata(for channel: ChannelRef) -> String {
        "\(channel.workspace)/\(channel.channel)"
    }

    static func channel(fromMetadata metadata: String) -> ChannelRef? {
        let parts = metadata.split(separator: "/")
        guard parts.count == 2 else { return nil }
        return ChannelRef(platform: .slack, workspace: String(parts[0]), channel: String(parts[1]))
    }
}
