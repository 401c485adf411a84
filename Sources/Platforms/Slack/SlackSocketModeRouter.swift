import Foundation

/// Hands Socket Mode envelopes to the same handler as the HTTP routes and builds each acknowledgement.
struct SlackSocketModeRouter: Sendable {
    let handler: SlackHandler

    /// The response payload (JSON) for the envelope's acknowledgement, if it has one.
    func handle(_ envelope: SocketModeEnvelope) async -> Data? {
        switch envelope.type {
        case "slash_commands":
            guard let command = SlackSlashCommand(json: envelope.payload) else { return nil }
            let text = await handler.slashCommand(command)
            return try? JSONEncoder().encode(SlackResponseMessage(text: text))
        case "events_api":
            guard let event = SlackEvent(json: envelope.payload) else { return nil }
            if await !handler.event(event) { handler.logger.error("a Socket Mode event could not be saved") }
            return nil
        case "interactive":
            guard let interaction = SlackInteraction(payload: String(decoding: envelope.payload, as: UTF8.self)) else { return nil }
            guard let errors = await handler.interaction(interaction) else { return nil }
            return try? JSONEncoder().encode(SlackModalErrors(errors: errors))
        default:
            return nil
        }
    }
}
