import Foundation
import HTTPTypes
import Hummingbird
import NIOCore

/// One rendered representation of a cached view, with what conditional requests compare.
struct RenderedView: Sendable {
    let body: ByteBuffer
    let etag: String
    let lastModified: Date
    /// `lastModified` as an HTTP date, formatted once.
    let lastModifiedText: String

    init(body: Data, etag: String, lastModified: Date) {
        self.body = ByteBuffer(bytes: body)
        self.etag = etag
        self.lastModified = lastModified
        lastModifiedText = HTTPDate.format(lastModified)
    }

    /// The status, headers and body of an answer (without `Date`, `Server` and `Content-Length`, which whoever
    /// writes it adds).
    struct Answer: Sendable {
        let status: HTTPResponse.Status
        let headers: HTTPFields
        /// Nil for `304 Not Modified`.
        let body: ByteBuffer?
    }

    /// `200` with the body and its validators, or `304 Not Modified` when the client's copy is current.
    func answer(to requestHeaders: HTTPFields, type: String, cacheControl: String) -> Answer {
        var headers: HTTPFields = [.cacheControl: cacheControl, .eTag: etag, .lastModified: lastModifiedText]
        if isFresh(for: requestHeaders) { return Answer(status: .notModified, headers: headers, body: nil) }
        headers[.contentType] = type
        return Answer(status: .ok, headers: headers, body: body)
    }

    /// ``answer(to:type:cacheControl:)`` as the router's response.
    func response(to request: Request, type: String, cacheControl: String) -> Response {
        let answer = answer(to: request.headers, type: type, cacheControl: cacheControl)
        return Response(status: answer.status, headers: answer.headers, body: answer.body.map { .init(byteBuffer: $0) } ?? .init())
    }

    /// Whether the client's copy is current: `If-None-Match` names the ETag (or `*`), or, without it,
    /// `If-Modified-Since` is not before `Last-Modified` (RFC 9110 §13.1).
    func isFresh(for headers: HTTPFields) -> Bool {
        if let match = headers[.ifNoneMatch] {
            let tags = match.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
            return tags.contains("*") || tags.contains { $0 == etag || $0 == "W/" + etag }
        }
        if let since = headers[.ifModifiedSince].flatMap(HTTPDate.parse) { return since >= lastModified }
        return false
    }
}
