import Foundation

/// A text frame Slack sends over a Socket Mode connection.
package enum SocketModeFrame: Sendable, Equatable {
    /// The connection is ready.
    case hello
    /// Slack is about to close this connection (`warning`, `refresh_requested`, `too_many_websockets`, …).
    case disconnect(reason: String)
    /// Work to acknowledge: `slash_commands`, `events_api` or `interactive`, with its JSON payload.
    case envelope(SocketModeEnvelope)
    case unknown

    /// The fields of a frame Firebell reads.
    struct Frame: Decodable {
        var type: String?
        var reason: String?
        var envelopeID: String?
        var payload: JSONValue?
        var acceptsResponsePayload: Bool?

        enum CodingKeys: String, CodingKey {
            case type, reason, payload
            case envelopeID = "envelope_id"
            case acceptsResponsePayload = "accepts_response_payload"
        }
    }

    package init(text: String) {
        guard let frame = try? JSONDecoder().decode(Frame.self, from: Data(text.utf8)) else {
            self = .unknown
            return
        }
        switch frame.type {
        case "hello":
            self = .hello
        case "disconnect":
            self = .disconnect(reason: frame.reason ?? "")
        case .some(let type):
            guard let id = frame.envelopeID else {
                self = .unknown
                return
            }
            self = .envelope(
                SocketModeEnvelope(
                    id: id,
                    type: type,
                    payload: frame.payload?.data ?? Data("{}".utf8),
                    acceptsResponsePayload: frame.acceptsResponsePayload ?? false
                )
            )
        default:
            self = .unknown
        }
    }
}

/// One Socket Mode envelope.
package struct SocketModeEnvelope: Sendable, Equatable {
    package let id: String
    package let type: String
    /// The payload as JSON: a slash-command form as JSON, an Events API body, or an interaction payload.
    package let payload: Data
    package let acceptsResponsePayload: Bool

    /// The acknowledgement frame, with a response payload (JSON) when the envelope accepts one.
    package func acknowledgement(payload response: Data?) -> String {
        let payload = acceptsResponsePayload ? response.flatMap { try? JSONDecoder().decode(JSONValue.self, from: $0) } : nil
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        let data = (try? encoder.encode(Acknowledgement(envelopeID: id, payload: payload))) ?? Data()
        return String(decoding: data, as: UTF8.self)
    }

    /// An acknowledgement frame.
    struct Acknowledgement: Encodable {
        var envelopeID: String
        var payload: JSONValue?

        enum CodingKeys: String, CodingKey {
            case payload
            case envelopeID = "envelope_id"
        }
    }
}
