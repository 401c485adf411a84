import Foundation
import IncidentKit

/// Words for fired timers: who is addressed, what is owed, and the exact command that settles it.
struct ReminderWriter {
    let severities: SeverityPolicyTable
    let markup: Markup

    func text(for record: EventRecord, incident: Incident) -> String {
        guard case .reminderSent(let kind, let due) = record.event else { return "" }
        let id = incident.id.description
        let ic = incident.roles[.ic].map(markup.mention) ?? markup.channelMention
        let headline = "\(id) (\(incident.severity): \(markup.inline(incident.title)))"
        var text: String
        switch kind {
        case .updateDue:
            text = "⏰ \(ic) The next Status Update for \(headline) is due now. Post it with: /incident update <what changed> [next: 15m]"
        case .updateNudge:
            let comms = incident.roles[.comms].flatMap { $0 == incident.roles[.ic] ? nil : " " + markup.mention($0) } ?? ""
            text = "⏰ Second reminder, \(ic)\(comms): the Status Update for \(headline) is overdue. Post it with: /incident update <what changed>"
            if severities[incident.severity].holdingPost {
                text += ". If nothing is posted, Firebell will post a holding update to stakeholders."
            }
        case .noCommander:
            text = "👤 \(markup.channelMention) \(headline) has no Incident Commander yet. Take the role: /incident role ic @you"
        case .targetResolution:
            let target = severities[incident.severity].targetResolution
            text =
                "⌛ \(ic) \(headline) has passed the \(incident.severity) target resolution time of \(target.spoken) (declared \(markup.time(incident.declaredAt)))."
        case .actionItemDue(let number):
            guard let item = incident.actionItems.first(where: { $0.number == number }) else { return "" }
            text =
                "📋 \(markup.mention(item.owner)) Action item \(number) of \(id) is due (\(item.due?.description ?? "today")): \(markup.inline(item.text)). When it is done: /incident action done \(number)"
        case .postmortemDue:
            text =
                "📝 \(ic) \(headline) was resolved \(incident.resolvedAt.map { markup.time($0) } ?? "") and has no postmortem yet. Draft it with: /incident postmortem"
        case .acknowledgeDeadline:
            let paged = incident.pages.filter { $0.level > 0 }.map { "L\($0.level) \(markup.mention($0.user))" }.joined(separator: ", ")
            text = "🚨 \(markup.channelMention) Nobody has acknowledged \(headline) (paged \(paged)). Whoever can take it: /incident ack"
        case .heldPage:
            text =
                "🚨 \(markup.channelMention) Business hours have begun and nobody is on call to page for \(headline). Whoever can take it: /incident ack"
        case .holdingUpdate, .handoverUnacknowledged, .archiveWarRoom:
            return ""
        }
        let scheduled = max(due, incident.snoozedUntil.flatMap { $0 > due ? $0 : nil } ?? due)
        let late = TimeSpan.between(scheduled, record.at)
        if late.seconds >= 60 {
            text += " (Firebell was not running on time: this was due at \(markup.time(scheduled)), \(late.spoken) ago.)"
        }
        return text
    }
}
