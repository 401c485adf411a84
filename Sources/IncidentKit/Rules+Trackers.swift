/// Action items in the team's tracker, and chat messages pinned to the timeline: what they record.
extension Rules {
    /// Puts a chat message on the timeline of the channel's incident (the active one, else the latest), once however
    /// many people pin it; a message whose pin is taken off stays, and the timeline records that too. In a channel
    /// without an incident a pin records nothing.
    mutating func record(_ pin: TimelinePin) {
        guard let incident = state.activeIncident ?? state.latestIncident else { return }
        switch pin {
        case .add(let message):
            guard !incident.pinnedMessages.contains(message.id) else { return }
            emit(.messagePinned(message: message), for: incident.id)
        case .remove(let id):
            guard incident.pinnedMessages.contains(id) else { return }
            emit(.messageUnpinned(messageID: id), for: incident.id)
        }
    }

    /// Records the tracker's answer about an item's issue, once: a repeated answer (a retry, a restart that found
    /// the issue again) changes nothing, and an item is reported refused only the first time.
    mutating func record(_ answer: TrackerAnswer) {
        guard let incident = state.incidents[answer.incident],
            let item = incident.actionItems.first(where: { $0.number == answer.item })
        else { return }
        switch answer.result {
        case .created(let link):
            guard item.tracker != link else { return }
            emit(.actionTracked(number: item.number, key: link.key, url: link.url), for: incident.id)
        case .refused(let reason):
            guard item.tracker == nil, item.trackerRefusal == nil else { return }
            emit(.actionTrackingRefused(number: item.number, owner: item.owner, reason: String(reason.prefix(300))), for: incident.id)
        }
    }
}
