/// A command as a platform received it: where, from whom, and the text after `/incident`.
public struct InboundCommand: Sendable, Equatable {
    public var channel: ChannelRef
    public var actor: UserRef
    public var arguments: String
    /// The name the person goes by on the platform, when the payload says (Slack `user_name`, Teams `from.name`).
    public var actorName: String?

    public init(channel: ChannelRef, actor: UserRef, arguments: String, actorName: String? = nil) {
        self.channel = channel
        self.actor = actor
        self.arguments = arguments
        self.actorName = PeopleNames.cleaned(actorName)
    }
}
