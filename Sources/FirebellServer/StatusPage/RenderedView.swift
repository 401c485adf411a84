import Foundation
import HTTPTypes
import Hummingbird
import NIOCore

/// One rendered representation of a cached view, with what conditional requests compare.
struct RenderedView: Sendable {
    let body: Data
    let etag: String
    let lastModified: Date

    /// `200` with the body and its validators, or `304 Not Modified` when the client's copy is current.
    func response(to request: Request, type: String, cacheControl: String) -> Response {
        var headers: HTTPFields = [
            .contentType: type, .cacheControl: cacheControl, .eTag: etag, .lastModified: HTTPDate.format(lastModified),
        ]
        if isFresh(for: request.headers) {
            headers[.contentType] = nil
            return Response(status: .notModified, headers: headers)
        }
        return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: body)))
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
