import Foundation
import IncidentKit
import Messaging
import Platforms

/// Renders planned effects into messages for their platforms, from the channel's state right after the transaction
/// that implied them (a restart renders a logged transaction from the same fold, so the text is the same).
struct EffectRenderer: Sendable {
    let renderer: MessageRenderer

    /// A war room's topic, plain text within Slack's 250 characters: "SEV1 · Investigating · IC alice · INC-2026-0042
    /// Checkout down".
    static func topic(_ incident: Incident, names: PeopleNames) -> String {
        let ic = incident.roles[.ic].map { "IC " + names.name($0) } ?? "no IC yet"
        let text = "\(incident.severity) · \(incident.status.title) · \(ic) · \(incident.id) \(incident.title)"
        return text.count <= 250 ? text : String(text.prefix(249)) + "…"
    }

    func message(for effect: Effect, state: ChannelState, plannedAt: Date) -> OutboundMessage {
        switch effect.action {
        case .post(let post, let recipient, let placement, let offersActions):
            let channel = recipient.channel
            let text = renderer.render(post, state: state, markup: Platforms.markup(for: channel.platform), channel: effect.id.channel)
            return OutboundMessage(
                effect: effect.id,
                key: effect.id.key,
                channel: channel,
                incident: post.incident,
                text: text,
                kind: .post(placement),
                offersActions: offersActions,
                plannedAt: plannedAt
            )
        case .editHeadline(let id, let channel, let offersActions):
            let text = renderer.render(.initialAlert(id), state: state, markup: Platforms.markup(for: channel.platform), channel: channel)
            return OutboundMessage(
                effect: effect.id,
                key: effect.id.key,
                channel: channel,
                incident: id,
                text: text,
                kind: .edit,
                offersActions: offersActions,
                plannedAt: plannedAt
            )
        case .pagerDuty(let action, let id):
            let event =
                state.incidents[id].map { PagerDutyEvent(action, incident: $0) }
                ?? PagerDutyEvent(eventAction: action, dedupKey: id.description)
            return OutboundMessage(
                effect: effect.id,
                key: effect.id.key,
                channel: effect.id.channel,
                incident: id,
                text: "",
                kind: .pagerDuty(event),
                plannedAt: plannedAt
            )
        case .warRoom(let action, let id, let room):
            let topic = state.incidents[id].map { Self.topic($0, names: state.people) } ?? ""
            return OutboundMessage(
                effect: effect.id,
                key: effect.id.key,
                channel: room,
                incident: id,
                text: topic,
                kind: .warRoom(WarRoomDelivery(action: action, incident: id, topic: topic)),
                plannedAt: plannedAt
            )
        case .tracker(let action, let id, let number):
            let incident = state.incidents[id]
            let item = incident?.actionItems.first { $0.number == number }
            // The fold that planned it always holds the item; were it missing, the tracker refuses the empty request.
            let issue =
                incident.flatMap { incident in
                    item.map { TrackerIssue(action: action, incident: incident, item: $0, owner: state.people.name($0.owner)) }
                } ?? TrackerIssue(action: action, incident: id, item: number)
            return OutboundMessage(
                effect: effect.id,
                key: effect.id.key,
                channel: effect.id.channel,
                incident: id,
                text: issue.title,
                kind: .tracker(issue),
                plannedAt: plannedAt
            )
        }
    }
}
