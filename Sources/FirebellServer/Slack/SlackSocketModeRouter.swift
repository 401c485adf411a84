import Foundation
import Platforms

/// Hands Socket Mode envelopes to the same handler as the HTTP routes and builds each acknowledgement.
struct SlackSocketModeRouter: Sendable {
    let handler: SlackHandler

    /// The response payload (JSON) for the envelope's acknowledgement, if it has one.
    func handle(_ envelope: SocketModeEnvelope) async -> Data? {
        switch envelope.type {
        case "slash_commands":
            guard let command = SlackSlashCommand(json: envelope.payload) else { return nil }
            let text = await handler.slashCommand(command)
            return try? JSONSerialization.data(withJSONObject: ["response_type": "ephemeral", "text": text])
        case "events_api":
            guard let event = SlackEvent(json: envelope.payload) else { return nil }
            do { try await handler.event(event) } catch {
                handler.logger.error("could not act on a Socket Mode event", metadata: ["error": "\(error)"])
            }
            return nil
        case "interactive":
            guard let interaction = SlackInteraction(payload: String(decoding: envelope.payload, as: UTF8.self)) else { return nil }
            do {
                guard let errors = try await handler.interaction(interaction) else { return nil }
                return try? JSONSerialization.data(withJSONObject: ["response_action": "errors", "errors": errors])
            } catch {
                handler.logger.error("could not act on a Socket Mode interaction", metadata: ["error": "\(error)"])
                return nil
            }
        default:
            return nil
        }
    }
}
