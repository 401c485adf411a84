import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1

/// One JSON request to a chat platform's REST API, and the answer as the adapters classify it.
public struct JSONClient: Sendable {
    /// What came back: the status, the headers, and the body parsed as JSON (nil when it is not JSON).
    public struct Answer: Sendable {
        public var status: Int
        public var headers: HTTPHeaders
        public var body: Data

        public var json: [String: Any]? { (try? JSONSerialization.jsonObject(with: body)) as? [String: Any] }
    }

    public let client: HTTPClient
    public let timeout: TimeAmount
    public let headers: [(String, String)]

    public init(client: HTTPClient, timeout: TimeAmount, headers: [(String, String)]) {
        self.client = client
        self.timeout = timeout
        self.headers = headers
    }

    /// Sends `body` (a JSON object, or nothing) and reads up to 1 MiB of the answer.
    public func send(_ method: HTTPMethod, _ url: String, _ body: [String: Any]? = nil) async throws -> Answer {
        var request = HTTPClientRequest(url: url)
        request.method = method
        for (name, value) in headers { request.headers.add(name: name, value: value) }
        if let body {
            request.headers.add(name: "Content-Type", value: "application/json")
            request.body = .bytes(
                ByteBuffer(bytes: try JSONSerialization.data(withJSONObject: body, options: [.sortedKeys, .withoutEscapingSlashes]))
            )
        }
        let response = try await client.execute(request, timeout: timeout)
        let bytes = try await response.body.collect(upTo: 1 << 20)
        return Answer(status: Int(response.status.code), headers: response.headers, body: Data(bytes.readableBytesView))
    }

    /// The usual reading of an answer: 2xx delivered, 429 wait, 5xx retry, other 4xx refused for good.
    public static func classify(_ answer: Answer, reference: (Answer) -> String?, retryAfter: (Answer) -> TimeInterval) -> DeliveryResult {
        switch answer.status {
        case 200..<300: .delivered(reference: reference(answer))
        case 429: .retryAfter(max(0, retryAfter(answer)))
        case 500...: .transient("HTTP \(answer.status)")
        default: .permanent("HTTP \(answer.status): \(String(decoding: answer.body.prefix(200), as: UTF8.self))")
        }
    }
}
