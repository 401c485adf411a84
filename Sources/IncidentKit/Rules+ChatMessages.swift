/// Chat messages: pinned to the timeline (a reaction, a context-menu command), or the message an incident is
/// declared from.
extension Rules {
    /// Puts a chat message on the timeline of the channel's incident (the active one, else the latest), once however
    /// many people pin it; a message whose pin is taken off stays, and the timeline records that too. Refused (and
    /// nothing recorded) in a channel without an incident, or for a message already there.
    mutating func record(_ pin: TimelinePin) throws(CommandError) {
        guard let incident = state.activeIncident ?? state.latestIncident else {
            throw CommandError("There is no incident in this channel to add the message to; declare one first (/incident declare <sev1-4> <title>).")
        }
        switch pin {
        case .add(let message):
            guard !incident.pinnedMessages.contains(message.id) else {
                throw CommandError("That message is already on the timeline of \(incident.id).")
            }
            emit(.messagePinned(message: message), for: incident.id)
        case .remove(let id):
            guard incident.pinnedMessages.contains(id) else { throw CommandError("That message is not pinned to \(incident.id).") }
            emit(.messageUnpinned(messageID: id), for: incident.id)
        case .removeReaction(let reaction):
            guard let id = incident.pinReactions[reaction], incident.pinnedMessages.contains(id) else {
                throw CommandError("That reaction did not pin a message to \(incident.id).")
            }
            emit(.messageUnpinned(messageID: id), for: incident.id)
        }
    }

    /// Declares an incident from a chat message (a Slack message shortcut, a Discord context-menu command): its first
    /// line is the title, its text the impact, and the message goes on the new incident's timeline.
    mutating func declare(from message: ChatMessage, severity: Severity) throws(CommandError) {
        let lines = message.text.split(whereSeparator: \.isNewline).map { $0.trimmingWhitespace() }.filter { !$0.isEmpty }
        guard let first = lines.first else {
            throw CommandError("That message has no text to declare from.", usage: "/incident declare <sev1-4> <title>")
        }
        let title = first.count <= CommandParser.maxTitleLength ? first : String(first.prefix(CommandParser.maxTitleLength - 1)) + "…"
        let impact = String(message.oneLine.prefix(CommandParser.maxTextLength))
        try record(.declare(severity: severity, title: title, impact: impact, systems: [], fromReport: nil))
        guard let id = records.first?.incident else { return }
        emit(.messagePinned(message: message), for: id)
    }
}
