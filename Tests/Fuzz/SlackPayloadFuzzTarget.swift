import Foundation
import IncidentKit

// Fuzz target: any bytes as each kind of Slack payload Firebell reads (a slash command's fields as JSON, Events API
// JSON, interaction payload, Socket Mode frame). Each decoder answers nil or a value, never a crash. (Form bodies
// are decoded by Hummingbird's URLEncodedFormDecoder, into the same Decodable types.)
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzSlackPayloads(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = Data(bytes: data, count: size)
    let text = String(decoding: bytes, as: UTF8.self)
    if let command = SlackSlashCommand(json: bytes) {
        _ = try? CommandParser.parse(arguments: command.text)
    }
    _ = SlackEvent(json: bytes)
    _ = SlackInteraction(payload: text)
    if case .envelope(let envelope) = SocketModeFrame(text: text) {
        _ = envelope.acknowledgement(payload: envelope.payload)
        _ = SlackSlashCommand(json: envelope.payload)
    }
    return 0
}
