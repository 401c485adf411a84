import Foundation
import HTTPTypes
import Hummingbird
import IncidentKit
import Logging
import Messaging
import NIOCore
import Platforms

/// `POST /slack/interactions`: the buttons on the Initial Alert and reminders, and the update modal.
struct SlackInteractionsRoute: Sendable {
    let service: IncidentService
    let outbox: OutboxDispatcher
    let verifier: SlackRequestVerifier
    let slackAPI: SlackWebAPI?
    let logger: Logger

    func handle(_ request: Request) async throws -> Response {
        let body = try await request.body.collect(upTo: SlackCommandRoute.maxBodyBytes)
        let bytes = Data(body.readableBytesView)
        do {
            try verifier.verify(body: bytes, timestamp: request.headers[.slackTimestamp], signature: request.headers[.slackSignature],
                                now: service.clock.now())
        } catch {
            logger.warning("rejected a Slack interaction", metadata: ["reason": "\(error)"])
            return .text("invalid or expired signature", status: .unauthorized)
        }
        guard let payload = FormFields(body: bytes)?["payload"], let interaction = SlackInteraction(payload: payload) else {
            return .text("expected a form with a JSON payload field", status: .badRequest)
        }
        switch interaction {
        case .ignored:
            return Response(status: .ok)
        case .button(let actionID, let incident, let channel, let user, let triggerID):
            let active = await service.state(of: channel).activeIncident?.id.description
            guard active == incident else {
                try await reply("✗ That button belongs to \(incident), which is no longer the active incident here.", to: user, in: channel)
                return Response(status: .ok)
            }
            switch actionID {
            case SlackBlocks.acknowledge: try await run(.acknowledge, in: channel, by: user)
            case SlackBlocks.snooze: try await run(.snooze(.minutes(30)), in: channel, by: user)
            case SlackBlocks.postUpdate:
                guard let triggerID, let slackAPI else {
                    try await reply("Post the update with: /incident update <what changed> [next: 30m]", to: user, in: channel)
                    break
                }
                let opened = await slackAPI.openUpdateModal(triggerID: triggerID, incident: incident, metadata: SlackInteraction.metadata(for: channel))
                if case .delivered = opened {} else {
                    logger.warning("could not open the update modal", metadata: ["result": "\(opened)"])
                    try await reply("Post the update with: /incident update <what changed> [next: 30m]", to: user, in: channel)
                }
            default: break
            }
            return Response(status: .ok)
        case .updateSubmitted(let channel, let user, let text, let next):
            return try await submitUpdate(text: text, next: next, in: channel, by: user)
        }
    }

    /// Runs the update from the modal; problems come back as field errors, so the modal stays open.
    private func submitUpdate(text: String, next: String?, in channel: ChannelRef, by user: UserRef) async throws -> Response {
        let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !trimmed.isEmpty, trimmed.count <= CommandParser.maxTextLength else {
            return Self.fieldErrors(["update": "Write the update, up to \(CommandParser.maxTextLength) characters."])
        }
        var span: TimeSpan?
        if let next {
            guard let parsed = TimeSpan(parsing: next.trimmingCharacters(in: .whitespaces)), parsed <= .hours(24) else {
                return Self.fieldErrors(["next": "Write a duration up to 24h, like 15m, 1h or 1h30m."])
            }
            span = parsed
        }
        let outcome = await service.execute(.postUpdate(text: trimmed, next: span, eta: nil), in: channel, by: user, markup: .slack)
        guard outcome.result == .accepted else {
            return Self.fieldErrors(["update": outcome.reply ?? "The update could not be posted."])
        }
        try await outbox.enqueue(outcome.posts, in: channel, now: service.clock.now())
        return Response(status: .ok)
    }

    private func run(_ command: Command, in channel: ChannelRef, by user: UserRef) async throws {
        let outcome = await service.execute(command, in: channel, by: user, markup: .slack)
        try await outbox.enqueue(outcome.posts, in: channel, now: service.clock.now())
        if let text = outcome.reply { try await reply(text, to: user, in: channel) }
    }

    private func reply(_ text: String, to user: UserRef, in channel: ChannelRef) async throws {
        try await outbox.enqueueReply(text, to: user, in: channel, now: service.clock.now())
    }

    static func fieldErrors(_ errors: [String: String]) -> Response {
        let json = (try? JSONSerialization.data(withJSONObject: ["response_action": "errors", "errors": errors], options: [.sortedKeys])) ?? Data()
        return Response(status: .ok, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(bytes: json)))
    }
}
