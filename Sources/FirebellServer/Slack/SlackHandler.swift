import Foundation
import IncidentKit
import Logging
import Messaging
import Platforms

/// What Firebell does with a Slack command, event or interaction once it is known to come from Slack,
/// whether it arrived over HTTP (signed) or over Socket Mode (an authenticated socket).
struct SlackHandler: Sendable {
    let service: IncidentService
    let outbox: OutboxDispatcher
    let slackAPI: SlackWebAPI?
    let logger: Logger
    let seenEvents = RecentIDs(capacity: 10_000)

    /// Runs a slash command; returns the ephemeral answer for the invoker.
    func slashCommand(_ command: SlackSlashCommand) async -> String {
        guard ["/incident", "/inc"].contains(command.command) else {
            return "Firebell answers /incident and /inc, not \(Markup.slack.escape(command.command))."
        }
        return await CommandRunner(service: service, outbox: outbox, logger: logger)
            .run(command.inbound, markup: .slack, failureNoticeURL: command.responseURL)
    }

    /// Acts on an Events API callback; a redelivered event is ignored.
    func event(_ event: SlackEvent) async throws {
        guard case .mention(let eventID, let command) = event else { return }
        guard seenEvents.insert(eventID) else {
            logger.info("duplicate event ignored", metadata: ["event_id": "\(eventID)"])
            return
        }
        let outcome = await service.handle(command, markup: .slack)
        let now = service.clock.now()
        try await outbox.enqueue(outcome, in: command.channel, now: now)
        if let reply = outcome.reply { try await outbox.enqueueReply(reply, to: command.actor, in: command.channel, now: now) }
    }

    /// Acts on a button or the update modal; returns field errors for a modal that must stay open.
    func interaction(_ interaction: SlackInteraction) async throws -> [String: String]? {
        switch interaction {
        case .ignored:
            return nil
        case .button(let actionID, let incident, let channel, let user, let triggerID):
            let active = await service.state(of: channel).activeIncident?.id.description
            guard active == incident else {
                try await reply("✗ That button belongs to \(incident), which is no longer the active incident here.", to: user, in: channel)
                return nil
            }
            switch actionID {
            case SlackBlocks.acknowledge: try await run(.acknowledge, in: channel, by: user)
            case SlackBlocks.snooze: try await run(.snooze(.minutes(30)), in: channel, by: user)
            case SlackBlocks.postUpdate:
                let opened = await openModal(triggerID: triggerID, incident: incident, channel: channel)
                if !opened { try await reply("Post the update with: /incident update <what changed> [next: 30m]", to: user, in: channel) }
            default: break
            }
            return nil
        case .updateSubmitted(let channel, let user, let text, let next):
            return try await submitUpdate(text: text, next: next, in: channel, by: user)
        }
    }

    private func openModal(triggerID: String?, incident: String, channel: ChannelRef) async -> Bool {
        guard let triggerID, let slackAPI else { return false }
        let opened = await slackAPI.openUpdateModal(triggerID: triggerID, incident: incident, metadata: SlackInteraction.metadata(for: channel))
        if case .delivered = opened { return true }
        logger.warning("could not open the update modal", metadata: ["result": "\(opened)"])
        return false
    }

    /// Runs the update from the modal: its text is taken literally, never parsed for clauses.
    private func submitUpdate(text: String, next: String?, in channel: ChannelRef, by user: UserRef) async throws -> [String: String]? {
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
        let outcome = await service.execute(.postUpdate(text: trimmed, next: span, eta: nil), in: channel, by: user, markup: .slack)
        guard outcome.result == .accepted else { return ["update": outcome.reply ?? "The update could not be posted."] }
        try await outbox.enqueue(outcome, in: channel, now: service.clock.now())
        return nil
    }

    private func run(_ command: Command, in channel: ChannelRef, by user: UserRef) async throws {
        let outcome = await service.execute(command, in: channel, by: user, markup: .slack)
        try await outbox.enqueue(outcome, in: channel, now: service.clock.now())
        if let text = outcome.reply { try await reply(text, to: user, in: channel) }
    }

    private func reply(_ text: String, to user: UserRef, in channel: ChannelRef) async throws {
        try await outbox.enqueueReply(text, to: user, in: channel, now: service.clock.now())
    }
}
