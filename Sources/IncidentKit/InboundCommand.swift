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
