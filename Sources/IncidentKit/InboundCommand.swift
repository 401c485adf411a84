/// A command as a platform received it: where, from whom, and the text after `/incident`.
package struct InboundCommand: Sendable, Equatable {
    package var channel: ChannelRef
    package var actor: UserRef
    package var arguments: String
    /// The name the person goes by on the platform, when the payload says (Slack `user_name`, Teams `from.name`).
    package var actorName: String?

    package init(channel: ChannelRef, actor: UserRef, arguments: String, actorName: String? = nil) {
        self.channel = channel
        self.actor = actor
        self.arguments = arguments
        self.actorName = PeopleNames.cleaned(actorName)
    }
}
