import Foundation
import Hummingbird
import IncidentStore
import NIOCore

extension Response {
    /// A plain-text answer (errors for callers that are not people).
    package static func text(_ text: String, status: HTTPResponse.Status) -> Response {
        Response(status: status, headers: [.contentType: "text/plain; charset=utf-8"], body: .init(byteBuffer: ByteBuffer(string: text + "\n")))
    }

    /// A JSON answer of a Codable payload.
    package static func json(_ payload: some Encodable, status: HTTPResponse.Status = .ok) -> Response {
        Response(status: status, headers: [.contentType: "application/json"], body: .init(byteBuffer: .json(payload)))
    }
}

extension ByteBuffer {
    /// One encoder for every answer: its settings never change, and `encode` keeps no state between calls.
    private static let jsonEncoder = {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return encoder
    }()

    /// The same bytes as `jsonEncoder` writes, without its generic machinery (an answer to every command).
    private static let compactEncoder = CompactJSONEncoder()

    /// The JSON of an answer's payload, keys sorted.
    package static func json(_ payload: some Encodable) -> ByteBuffer {
        if let bytes = try? compactEncoder.encode(payload) { return ByteBuffer(bytes: bytes) }
        return ByteBuffer(bytes: (try? jsonEncoder.encode(payload)) ?? Data("{}".utf8))
    }
}
