import Foundation
import IncidentKit

// Fuzz target: any bytes as a Discord interaction, a Mattermost slash command form or WebSocket frame, or a Matrix
// /sync answer.
// Each decoder gives a value or nil, never a crash; what decodes is turned into command text and parsed.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzChatPayloads(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = Data(bytes: data, count: size)
    if let interaction = DiscordInteraction(json: bytes) {
        switch interaction.kind {
        case .command(let arguments): _ = try? CommandParser.parse(arguments: arguments)
        case .messageCommand(_, let message): _ = message.oneLine
        case .ping, .other: break
        }
    }
    if let command = try? JSONDecoder().decode(MattermostSlashCommand.self, from: bytes) {
        _ = try? CommandParser.parse(arguments: command.inbound.arguments)
    }
    if let event = MattermostWebSocketEvent(text: String(decoding: bytes, as: UTF8.self), botUserID: "bot-id", botName: "firebell") {
        _ = try? CommandParser.parse(arguments: event.command.arguments)
    }
    _ = MattermostReactionEvent(text: String(decoding: bytes, as: UTF8.self))
    if let batch = MatrixSyncBatch(json: bytes) {
        for (_, command) in batch.commands(botUserID: "@firebell:localhost") {
            _ = try? CommandParser.parse(arguments: command.arguments)
        }
    }
    return 0
}
