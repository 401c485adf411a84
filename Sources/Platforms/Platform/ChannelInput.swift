import IncidentKit

/// What one transaction came to: how it ended, the answer for whoever caused it, and what it recorded and handed
/// to delivery.
package struct Answer: Sendable {
    /// How a transaction ended, for logs and metrics.
    package enum Result: String, Sendable {
        /// Events were recorded durably.
        case accepted
        /// A read-only view was shown.
        case shown
        /// The command was wrong or not allowed; nothing changed.
        case refused
        /// The command was right but could not be saved; nothing changed.
        case failed
        /// The platform delivered the same input again (a retry); it was done already and is not run twice.
        case duplicate
    }

    package var result: Result
    package var verb: String
    /// Text only the invoker sees: errors, help, views.
    package var reply: String?
    /// A short confirmation of what was recorded, for platforms that must answer the invoker.
    package var confirmation: String?
    /// The events that were made durable.
    package var records: [EventRecord] = []
    /// What the transaction's effects came to, rendered and handed to delivery, in order.
    package var messages: [OutboundMessage] = []

    package init(
        result: Result,
        verb: String,
        reply: String? = nil,
        confirmation: String? = nil,
        records: [EventRecord] = [],
        messages: [OutboundMessage] = []
    ) {
        self.result = result
        self.verb = verb
        self.reply = reply
        self.confirmation = confirmation
        self.records = records
        self.messages = messages
    }

    /// What the invoker is shown: the view or error, else the confirmation.
    package var text: String { reply ?? confirmation ?? "" }

    package static func refused(_ verb: String, _ error: CommandError) -> Answer {
        Answer(result: .refused, verb: verb, reply: "✗ \(error)", confirmation: nil)
    }

    package static func failed(_ verb: String, _ reason: String) -> Answer {
        Answer(result: .failed, verb: verb, reply: reason, confirmation: nil)
    }
}

/// One input to run in one channel, with what the platform told about its delivery.
package struct ChannelInput: Sendable {
    /// What arrived: command text to parse, or an input already typed (a button, a form, a timer, an alert).
    package enum Content: Sendable, Equatable {
        case text(String)
        case input(Input)
    }

    /// How the answer reaches the invoker.
    package enum AnswerRoute: Sendable, Equatable {
        /// The caller shows it (an HTTP response, a Socket Mode acknowledgement, the console).
        case returned
        /// The answer is sent to the invoker as a reply in the channel (a mention, a Matrix message, a button click):
        /// views and refusals always; confirmations of what was recorded only with `confirmations`, for platforms
        /// where the channel's own posts are not enough of an answer.
        case reply(confirmations: Bool)
    }

    package var content: Content
    package var channel: ChannelRef
    package var actor: UserRef
    /// The platform's id of this delivery (a Slack `event_id`), so a retried delivery runs once, across restarts.
    package var delivery: String?
    /// Where to tell the invoker if a post is refused for good (Slack's and Mattermost's `response_url`).
    package var responseURL: String?
    package var answer: AnswerRoute
    /// The name the actor goes by on the platform, when its payload said; the channel learns it with the transaction.
    package var actorName: String?

    package init(
        _ content: Content,
        in channel: ChannelRef,
        by actor: UserRef,
        delivery: String? = nil,
        responseURL: String? = nil,
        answer: AnswerRoute = .returned
    ) {
        self.content = content
        self.channel = channel
        self.actor = actor
        self.delivery = delivery
        self.responseURL = responseURL
        self.answer = answer
    }

    /// Checks the channel's and the actor's ids against ``IdentifierRule``: the one rule for every platform.
    package func validate() throws(InvalidIdentifier) {
        try channel.validate()
        try actor.validate()
    }

    /// A typed command as a platform received it.
    package static func command(
        _ inbound: InboundCommand,
        delivery: String? = nil,
        responseURL: String? = nil,
        answer: AnswerRoute = .returned
    ) -> ChannelInput {
        var input = ChannelInput(
            .text(inbound.arguments),
            in: inbound.channel,
            by: inbound.actor,
            delivery: delivery,
            responseURL: responseURL,
            answer: answer
        )
        input.actorName = inbound.actorName
        return input
    }
}
