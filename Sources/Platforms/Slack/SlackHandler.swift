import Foundation
import IncidentKit
import Logging
import Messaging

/// What Firebell does with a Slack command, event or interaction once it is known to come from Slack, whether it
/// arrived over HTTP (signed) or over Socket Mode (an authenticated socket): each becomes one transaction.
struct SlackHandler: Sendable {
    let transactions: any ChannelTransactions
    let slackAPI: SlackWebAPI?
    let pinReaction: PinReaction
    let logger: Logger

    /// Runs a slash command; returns the ephemeral answer for the invoker.
    func slashCommand(_ command: SlackSlashCommand) async throws(InvalidIdentifier) -> String {
        guard ["/incident", "/inc"].contains(command.command) else {
            return "Firebell answers /incident and /inc, not \(Markup.slack.escape(command.command))."
        }
        return try await transactions.transact(.command(command.inbound, responseURL: command.responseURL)).text
    }

    /// Acts on an Events API callback. A redelivered event (same `event_id`, even after a restart) runs once.
    /// Returns false when it could not be saved, so the caller answers with an error and Slack delivers it again.
    func event(_ event: SlackEvent) async throws(InvalidIdentifier) -> Bool {
        if case .reaction(let reaction) = event { return try await react(reaction) }
        guard case .mention(let eventID, let command) = event else { return true }
        let answer = try await transactions.transact(.command(command, delivery: eventID, answer: .reply(confirmations: false)))
        if answer.result == .duplicate { logger.info("duplicate event ignored", metadata: ["event_id": "\(eventID)"]) }
        return answer.result != .failed
    }

    /// The pin reaction added to a message puts it on the timeline; taking the last one off records that. The message
    /// (text, author, permalink, current reactions) is read with `reactions.get`; when Slack cannot say, the event is
    /// refused so that Slack delivers it again.
    private func react(_ reaction: SlackReaction) async throws(InvalidIdentifier) -> Bool {
        guard pinReaction.matches(name: reaction.name) else { return true }
        guard let slackAPI else {
            logger.warning("a pin reaction needs SLACK_BOT_TOKEN to read the message; ignored")
            return true
        }
        let message: SlackReactedMessage.Message
        switch await slackAPI.reactedMessage(channel: reaction.channel.channel, ts: reaction.messageTS) {
        case .success(let read): message = read
        case .failure(let failure):
            logger.warning("could not read a pinned message", metadata: ["reason": "\(failure)"])
            return false
        }
        let pin: TimelinePin
        if reaction.added {
            pin = .add(SlackReactedMessage.chatMessage(message))
        } else {
            // Someone else's pin may still be on it.
            guard !(message.reactions ?? []).contains(where: { pinReaction.matches(name: $0.name) && ($0.count ?? 1) > 0 }) else { return true }
            pin = .remove(messageID: message.ts)
        }
        let input = ChannelInput(.input(.pin(pin)), in: reaction.channel, by: reaction.user, delivery: reaction.eventID)
        return try await transactions.transact(input).result != .failed
    }

    /// Acts on a button or the update modal; returns field errors for a modal that must stay open.
    func interaction(_ interaction: SlackInteraction) async throws(InvalidIdentifier) -> [String: String]? {
        switch interaction {
        case .ignored:
            return nil
        case .button(let actionID, let incident, let channel, let user, let triggerID):
            guard let id = IncidentID(parsing: incident) else { return nil }
            switch actionID {
            case SlackBlocks.acknowledge: try await press(.acknowledge, about: id, in: channel, by: user)
            case SlackBlocks.snooze: try await press(.snooze(.minutes(30)), about: id, in: channel, by: user)
            case SlackBlocks.postUpdate:
                guard await !openModal(triggerID: triggerID, incident: incident, channel: channel) else { return nil }
                // No modal: the invoker gets the usage of the command instead.
                try await press(.help(verb: "update"), about: id, in: channel, by: user)
            default: break
            }
            return nil
        case .updateSubmitted(let channel, let user, let text, let next):
            return try await submitUpdate(text: text, next: next, in: channel, by: user)
        case .messageShortcut(let shortcut, let channel, let user, let message, let responseURL):
            let input: Input =
                switch shortcut {
                case .declareIncident: .declareFromMessage(message, severity: nil)
                case .addToTimeline: .pin(.add(message))
                }
            let answer = try await transactions.transact(ChannelInput(.input(input), in: channel, by: user, responseURL: responseURL))
            // A shortcut has no answer of its own: the invoker hears back through its response_url, privately.
            if let responseURL, let slackAPI { await slackAPI.respond(to: responseURL, text: answer.text) }
            return nil
        }
    }

    private func press(_ command: Command, about incident: IncidentID, in channel: ChannelRef, by user: UserRef) async throws(InvalidIdentifier) {
        _ = try await transactions.transact(
            ChannelInput(.input(.button(command, incident: incident)), in: channel, by: user, answer: .reply(confirmations: false))
        )
    }

    private func openModal(triggerID: String?, incident: String, channel: ChannelRef) async -> Bool {
        guard let triggerID, let slackAPI else { return false }
        let opened = await slackAPI.openUpdateModal(triggerID: triggerID, incident: incident, metadata: SlackInteraction.metadata(for: channel))
        if case .delivered = opened { return true }
        logger.warning("could not open the update modal", metadata: ["result": "\(opened)"])
        return false
    }

    /// Runs the update from the modal: its text is taken literally, never parsed for clauses.
    private func submitUpdate(
        text: String,
        next: String?,
        in channel: ChannelRef,
        by user: UserRef
    ) async throws(InvalidIdentifier) -> [String: String]? {
        let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !trimmed.isEmpty, trimmed.count <= CommandParser.maxTextLength else {
            return ["update": "Write the update, up to \(CommandParser.maxTextLength) characters."]
        }
        var span: TimeSpan?
        if let next {
            guard let parsed = TimeSpan(parsing: next.trimmingCharacters(in: .whitespaces)), parsed <= .hours(24) else {
                return ["next": "Write a duration up to 24h, like 15m, 1h or 1h30m."]
            }
            span = parsed
        }
        let answer = try await transactions.transact(
            ChannelInput(.input(.command(.postUpdate(text: trimmed, next: span, eta: nil))), in: channel, by: user)
        )
        guard answer.result == .accepted else { return ["update": answer.reply ?? "The update could not be posted."] }
        return nil
    }
}
