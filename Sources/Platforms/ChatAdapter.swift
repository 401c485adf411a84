import IncidentKit
import Messaging

/// A command as a platform received it: where, from whom, and the text after `/incident`.
public struct InboundCommand: Sendable, Equatable {
    public var channel: ChannelRef
    public var actor: UserRef
    public var arguments: String

    public init(channel: ChannelRef, actor: UserRef, arguments: String) {
        self.channel = channel
        self.actor = actor
        self.arguments = arguments
    }
}

/// What a platform does with the bot's answer: channel posts for everyone, a reply for the invoker only.
public protocol ChatOutbound: Sendable {
    /// The markup this platform reads.
    var markup: Markup { get }
    func post(_ post: RenderedPost, in channel: ChannelRef) async
    func reply(_ text: String, to user: UserRef, in channel: ChannelRef) async
}
