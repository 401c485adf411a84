import Foundation
import IncidentKit

/// Words for pages, recovery from monitoring, and on-call handovers.
struct OnCallWriter {
    let markup: Markup
    let oncall: OnCallPolicy

    func page(_ record: EventRecord, incident: Incident) -> String {
        guard case .paged(let level, let user, let rotation) = record.event else { return "" }
        let headline = "\(incident.id) (\(incident.severity): \(markup.inline(incident.title)))"
        if level == 0 {
            return "📟 \(markup.mention(user)) you are paged by name for \(headline). Acknowledge with /incident ack"
        }
        let window = oncall.acknowledgeWithin.spoken
        let then = level < 4 ? "or L\(level + 1) is paged" : "or the whole channel is alerted"
        return "📟 \(markup.mention(user)) you are paged: L\(level) on call for \(markup.inline(rotation)), \(headline). "
            + "Acknowledge within \(window) with /incident ack, \(then)."
    }

    func recovery(_ record: EventRecord, incident: Incident) -> String {
        guard case .alertRecovered(let key) = record.event else { return "" }
        let ic = incident.roles[.ic].map(markup.mention) ?? markup.channelMention
        guard incident.isActive else {
            return
                "💚 Monitoring shows recovery for \(incident.id): every alert of \(markup.inline(key)) has resolved; the incident was resolved automatically."
        }
        return "💚 \(ic) Monitoring shows recovery for \(incident.id): every alert of \(markup.inline(key)) has resolved. "
            + "If the impact is over: /incident resolve root cause: <what happened>"
    }

    func handover(_ record: EventRecord, state: ChannelState) -> String {
        guard let handover = state.handover else { return "" }
        if case .reminderSent(.handoverUnacknowledged(let reminder), _) = record.event {
            return
                "🤝 \(markup.mention(handover.to)) the on-call handover from \(markup.inline(state.people.name(handover.from))) (\(markup.time(handover.at))) "
                + "is not acknowledged yet (reminder \(reminder)). Acknowledge it with: /incident handover ack"
        }
        var lines = [
            "🤝 \(markup.bold("On-call handover")) from \(markup.inline(state.people.name(handover.from))) to \(markup.mention(handover.to))",
            "\(markup.bold("Notes:")) \(markup.lines(handover.notes))",
        ]
        let active = state.activeIncident
        lines.append(
            "\(markup.bold("Current issues:")) "
                + (active.map {
                    "\($0.id) \($0.severity) “\(markup.inline($0.title))”, \($0.status.title)"
                        + ($0.lastUpdate.map { ", last update: \(markup.inline($0.text))" } ?? "")
                } ?? "no active incident in this channel")
        )
        let open = state.order.compactMap { state.incidents[$0] }.flatMap { incident in incident.openActionItems.map { (incident.id, $0) } }
        if !open.isEmpty {
            lines.append(
                "\(markup.bold("Items to watch:")) "
                    + open.map { "\($0.0) #\($0.1.number) \(markup.inline($0.1.text)) (\(markup.inline(state.people.name($0.1.owner))))" }.joined(
                        separator: "; "
                    )
            )
        }
        lines.append("\(markup.mention(handover.to)) please acknowledge with: /incident handover ack")
        return lines.joined(separator: "\n")
    }
}
