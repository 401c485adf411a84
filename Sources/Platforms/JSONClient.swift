import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1

/// One JSON request to a chat platform's REST API, and the answer as the adapters classify it.
package struct JSONClient: Sendable {
    /// What came back: the status, the headers, and the body.
    package struct Answer: Sendable {
        package var status: Int
        package var headers: HTTPHeaders
        package var body: Data

        /// The body as `T`, or nil when it is not that JSON.
        package func decoded<T: Decodable>(_ type: T.Type) -> T? { try? JSONDecoder().decode(T.self, from: body) }

        /// The `id` most APIs answer a create with.
        package var id: String? { decoded(CreatedResource.self)?.id }
    }

    /// `{"id": …}`.
    struct CreatedResource: Decodable {
        var id: String?
    }

    package let client: HTTPClient
    package let timeout: TimeAmount
    package let headers: [(String, String)]

    package init(client: HTTPClient, timeout: TimeAmount, headers: [(String, String)]) {
        self.client = client
        self.timeout = timeout
        self.headers = headers
    }

    /// Sends a request without a body and reads up to 1 MiB of the answer.
    package func send(_ method: HTTPMethod, _ url: String) async throws -> Answer {
        try await send(method, url, body: nil)
    }

    /// Sends `body` as JSON and reads up to 1 MiB of the answer.
    package func send(_ method: HTTPMethod, _ url: String, _ body: some Encodable) async throws -> Answer {
        try await send(method, url, body: try Self.encoder.encode(body))
    }

    private static let encoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return encoder
    }()

    private func send(_ method: HTTPMethod, _ url: String, body: Data?) async throws -> Answer {
        var request = HTTPClientRequest(url: url)
        request.method = method
        for (name, value) in headers { request.headers.add(name: name, value: value) }
        if let body {
            request.headers.add(name: "Content-Type", value: "application/json")
            request.body = .bytes(ByteBuffer(bytes: body))
        }
        let response = try await client.execute(request, timeout: timeout)
        let bytes = try await response.body.collect(upTo: 1 << 20)
        return Answer(status: Int(response.status.code), headers: response.headers, body: Data(bytes.readableBytesView))
    }

    /// The usual reading of an answer: 2xx delivered, 429 wait, 5xx retry, other 4xx refused for good.
    package static func classify(_ answer: Answer, reference: (Answer) -> String?, retryAfter: (Answer) -> TimeInterval) -> DeliveryResult {
        switch answer.status {
        case 200..<300: .delivered(reference: reference(answer))
        case 429: .retryAfter(max(0, retryAfter(answer)))
        case 500...: .transient("HTTP \(answer.status)")
        default: .permanent("HTTP \(answer.status): \(String(decoding: answer.body.prefix(200), as: UTF8.self))")
        }
    }
}
