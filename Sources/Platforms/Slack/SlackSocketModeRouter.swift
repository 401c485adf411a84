import Foundation
import IncidentKit

/// Hands Socket Mode envelopes to the same handler as the HTTP routes and builds each acknowledgement.
struct SlackSocketModeRouter: Sendable {
    let handler: SlackHandler

    /// The response payload (JSON) for the envelope's acknowledgement, if it has one.
    func handle(_ envelope: SocketModeEnvelope) async -> Data? {
        do { return try await route(envelope) } catch {
            // Slack itself never sends such ids; say why in the log and, for a command, to the invoker.
            handler.logger.warning("a Socket Mode envelope had an invalid id", metadata: ["reason": "\(error)"])
            guard envelope.type == "slash_commands" else { return nil }
            return try? JSONEncoder().encode(SlackResponseMessage(text: "✗ \(error)"))
        }
    }

    private func route(_ envelope: SocketModeEnvelope) async throws(InvalidIdentifier) -> Data? {
        switch envelope.type {
        case "slash_commands":
            guard let command = SlackSlashCommand(json: envelope.payload) else { return nil }
            let text = try await handler.slashCommand(command)
            return try? JSONEncoder().encode(SlackResponseMessage(text: text))
        case "events_api":
            guard let event = SlackEvent(json: envelope.payload) else { return nil }
            if try await !handler.event(event) { handler.logger.error("a Socket Mode event could not be saved") }
            return nil
        case "interactive":
            guard let interaction = SlackInteraction(payload: String(decoding: envelope.payload, as: UTF8.self)) else { return nil }
            guard let errors = try await handler.interaction(interaction) else { return nil }
            return try? JSONEncoder().encode(SlackModalErrors(errors: errors))
        default:
            return nil
        }
    }
}
