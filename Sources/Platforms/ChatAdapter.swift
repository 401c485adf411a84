import IncidentKit
import Messaging

/// What a platform does with the bot's answer: channel posts for everyone, a reply for the invoker only.
public protocol ChatOutbound: Sendable {
    /// The markup this platform reads.
    var markup: Markup { get }
    func post(_ post: RenderedPost, in channel: ChannelRef) async
    func reply(_ text: String, to user: UserRef, in channel: ChannelRef) async
}
