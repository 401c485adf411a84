import Foundation

/// A text frame Slack sends over a Socket Mode connection.
public enum SocketModeFrame: Sendable, Equatable {
    /// The connection is ready.
    case hello
    /// Slack is about to close this connection (`warning`, `refresh_requested`, `too_many_websockets`, …).
    case disconnect(reason: String)
    /// Work to acknowledge: `slash_commands`, `events_api` or `interactive`, with its JSON payload.
    case envelope(SocketModeEnvelope)
    case unknown

    public init(text: String) {
        guard let object = try? JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any] else {
            self = .unknown
            return
        }
        switch object["type"] as? String {
        case "hello":
            self = .hello
        case "disconnect":
            self = .disconnect(reason: object["reason"] as? String ?? "")
        case .some(let type) where object["envelope_id"] is String:
            // `data(withJSONObject:)` traps (it does not throw) on a scalar such as `"payload": true`: check first.
            let payload =
                object["payload"].flatMap { JSONSerialization.isValidJSONObject($0) ? try? JSONSerialization.data(withJSONObject: $0) : nil }
                ?? Data("{}".utf8)
            self = .envelope(
                SocketModeEnvelope(
                    id: object["envelope_id"] as! String,
                    type: type,
                    payload: payload,
                    acceptsResponsePayload: object["accepts_response_payload"] as? Bool ?? false
                )
            )
        default:
            self = .unknown
        }
    }
}

/// One Socket Mode envelope.
public struct SocketModeEnvelope: Sendable, Equatable {
    public let id: String
    public let type: String
    /// The payload as JSON: a slash-command form as JSON, an Events API body, or an interaction payload.
    public let payload: Data
    public let acceptsResponsePayload: Bool

    /// The acknowledgement frame, with a response payload (JSON) when the envelope accepts one.
    public func acknowledgement(payload response: Data?) -> String {
        var frame: [String: Any] = ["envelope_id": id]
        if acceptsResponsePayload, let response, let object = try? JSONSerialization.jsonObject(with: response) { frame["payload"] = object }
        let data = (try? JSONSerialization.data(withJSONObject: frame, options: [.sortedKeys])) ?? Data()
        return String(decoding: data, as: UTF8.self)
    }
}
