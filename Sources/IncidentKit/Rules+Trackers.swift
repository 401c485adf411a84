/// Action items in the team's tracker: what its answers record.
extension Rules {
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
