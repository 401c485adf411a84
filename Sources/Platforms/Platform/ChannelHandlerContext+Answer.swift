import HTTPTypes
import NIOCore
import NIOHTTPTypes

extension ChannelHandlerContext {
    /// Writes a whole answer (head, body, end) from a handler that serves a request before the router, with its
    /// length, and closes the connection once it is written when the client asked to (`Connection: close`).
    package func writeAnswer(status: HTTPResponse.Status, headers: HTTPFields, body: ByteBuffer?, close: Bool) {
        var headers = headers
        if close { headers[.connection] = "close" }
        if let body { headers[.contentLength] = String(body.readableBytes) }
        write(NIOAny(HTTPResponsePart.head(HTTPResponse(status: status, headerFields: headers))), promise: nil)
        if let body { write(NIOAny(HTTPResponsePart.body(body)), promise: nil) }
        let written = writeAndFlush(NIOAny(HTTPResponsePart.end(nil)))
        if close {
            let channel = channel
            written.whenComplete { _ in channel.close(promise: nil) }
        }
    }
}
