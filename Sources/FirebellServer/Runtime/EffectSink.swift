import IncidentKit
import Platforms

/// Where a transaction hands its rendered effects, in the channel's turn (so they arrive in log order). Accepting
/// is quick and in memory: the log already holds what implies them, and start-up plans again whatever delivery
/// had not settled.
package protocol EffectSink: Sendable {
    /// The messages of one committed transaction of `channel`, which ends at sequence `transactionEnd`.
    func accept(_ messages: [OutboundMessage], transactionEnd: Int, from channel: ChannelRef)
    /// An answer for one person, sent as a reply in the channel (kept nowhere: it is an answer, not an effect).
    func reply(_ message: OutboundMessage)
    /// Whether anything delivers to `destination` now. A transaction renders only the effects that something
    /// delivers: rendering a post costs more than deciding and logging a note, and one nobody delivers owes nothing
    /// (a restart plans it again and drops it again).
    func delivers(to destination: Destination) -> Bool
}

extension EffectSink {
    /// Every destination, unless the sink says otherwise.
    package func delivers(to destination: Destination) -> Bool { true }
}

/// What start-up asks delivery before it plans again what the logs still owe.
package protocol DeliveryRecovery: EffectSink {
    /// Whether anything delivers to the platform of `channel` (a channel whose platform has no delivery owes nothing).
    func delivers(to channel: ChannelRef) -> Bool
    /// Every effect of `channel`'s transactions up to this sequence is settled.
    func watermark(of channel: ChannelRef) -> Int
    /// Whether one effect is settled.
    func isSettled(_ id: EffectID) -> Bool
    /// The last sequence of `channel` logged before the tracker was configured: older action items owe no issue.
    func trackerStart(of channel: ChannelRef) -> Int
}
