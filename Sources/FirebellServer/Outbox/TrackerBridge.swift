import IncidentKit
import Platforms

/// Between delivery and the incidents' logs, for the tracker: where an item's issue is now, and how the tracker's
/// answer about it becomes a transaction of the item's channel (one way in, like every input).
package struct TrackerBridge: Sendable {
    package var link: @Sendable (ChannelRef, IncidentID, Int) async -> TrackerLink?
    /// Records the answer; false when it could not be saved (the delivery is then tried again, and finds the issue).
    package var answer: @Sendable (ChannelRef, TrackerAnswer) async -> Bool

    package init(
        link: @escaping @Sendable (ChannelRef, IncidentID, Int) async -> TrackerLink?,
        answer: @escaping @Sendable (ChannelRef, TrackerAnswer) async -> Bool
    ) {
        self.link = link
        self.answer = answer
    }

    /// The bridge to `service`.
    package init(service: IncidentService) {
        link = { channel, id, item in
            await service.state(of: channel).incidents[id]?.actionItems.first { $0.number == item }?.tracker
        }
        answer = { channel, answer in
            let outcome = try? await service.transact(ChannelInput(.input(.tracker(answer)), in: channel, by: Input.bot))
            return outcome.map { $0.result != .failed } ?? false
        }
    }
}
