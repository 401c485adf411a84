import Foundation
import HTTPTypes
import NIOCore
import NIOHTTPTypes

/// `POST /slack/commands` served in the connection's pipeline, before Hummingbird's router: the body is read on the
/// event loop, the signature verified and the form decoded there, the command runs as the same transaction the route
/// runs (``SlackHandler/slashCommand(_:)``), and the answer is written from the event loop once it is durable. A
/// slash command is the hottest request Firebell serves; this way it costs no per-request task, stream or router
/// walk of Hummingbird's.
///
/// Only the plain case is served here: a signed, well-formed `/incident` command. Anything else — another path, a
/// bad or stale signature, a body over ``VerifiedBody/maxBytes``, a form without a command's fields, an identifier the
/// transaction refuses — goes on to the router unchanged (head, body and end as they came), whose middleware and
/// route answer it exactly as they always have: the same 401, 400, 413 or Slack URL check, logged the same way.
///
/// HTTP/1.1 answers in the order asked: nothing is served here while the router owes this connection an answer, and
/// while a command is being answered here, what the client sends next is held (and reading pauses) until the answer
/// is written.
final class SlackCommandFastPath: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPRequestPart
    typealias InboundOut = HTTPRequestPart
    typealias OutboundIn = HTTPResponsePart
    typealias OutboundOut = HTTPResponsePart

    /// The route's path.
    static let path = "/slack/commands"

    private let verifier: SlackRequestVerifier
    private let handler: SlackHandler
    /// The headers every answer carries besides its own (`Date`, `Server`), as the router adds them.
    private let commonHeaders: @Sendable () -> HTTPFields
    /// The command request being read, to be served here at its end.
    private var taking: (head: HTTPRequest, body: ByteBuffer)?
    /// Whether a command is being answered here.
    private var answering = false
    /// What the client sent while a command was being answered here, in order.
    private var held: [HTTPRequestPart] = []
    /// Whether a read was asked for while a command was being answered here.
    private var readWaiting = false
    /// Requests handed to the router whose answer has not ended yet.
    private var owedByRouter = 0
    /// Whether parts were handed on outside a read (after a command's answer): the router's side takes in what it was
    /// handed when a read completes, so one is signalled for them.
    private var forwardedOutsideRead = false
    /// Whether the handler has left the pipeline (the connection closed while a command ran).
    private var removed = false

    init(verifier: SlackRequestVerifier, handler: SlackHandler, commonHeaders: @escaping @Sendable () -> HTTPFields) {
        self.verifier = verifier
        self.handler = handler
        self.commonHeaders = commonHeaders
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let part = unwrapInboundIn(data)
        if answering { return held.append(part) }
        handle(part, context: context)
    }

    private func handle(_ part: HTTPRequestPart, context: ChannelHandlerContext) {
        switch part {
        case .head(let request):
            if owedByRouter == 0, Self.isCommand(request) {
                taking = (request, context.channel.allocator.buffer(capacity: 0))
                return
            }
            forward(part, context: context)
        case .body(let chunk):
            guard let (head, taken) = taking else { return forward(part, context: context) }
            taking = nil
            var body = taken
            body.writeImmutableBuffer(chunk)
            if body.readableBytes > VerifiedBody.maxBytes {
                replay(head, body, ended: false, context: context)
            } else {
                taking = (head, body)
            }
        case .end:
            guard let (head, body) = taking else { return forward(part, context: context) }
            taking = nil
            serve(head, body, context: context)
        }
    }

    /// A form `POST` to the command path without a query, whose declared length is within the limit (a client that
    /// expects `100 Continue` goes to the router, which sends it).
    private static func isCommand(_ request: HTTPRequest) -> Bool {
        guard request.method == .post, request.path == path, request.headerFields[.expect] == nil,
            FormDecoder.isForm(request.headerFields[.contentType])
        else { return false }
        guard let length = request.headerFields[.contentLength] else { return true }
        return Int(length).map { $0 <= VerifiedBody.maxBytes } ?? false
    }

    private func serve(_ head: HTTPRequest, _ body: ByteBuffer, context: ChannelHandlerContext) {
        let bytes = body.readableBytesView
        let command: SlackSlashCommand
        do {
            try verifier.verify(
                body: bytes,
                timestamp: head.headerFields[.slackTimestamp],
                signature: head.headerFields[.slackSignature],
                now: handler.transactions.now()
            )
            command = try SlackSlashCommand(form: bytes)
        } catch {
            return replay(head, body, ended: true, context: context)
        }
        answering = true
        let close = head.headerFields[.connection]?.lowercased() == "close"
        let eventLoop = context.eventLoop
        let bound = NIOLoopBound((handler: self, context: context, head: head, body: body), eventLoop: eventLoop)
        let slack = handler
        // The transaction runs on Swift's pool, not on this loop: a long one (a big view, a channel's first read)
        // would stall every other connection of the loop, and the etcd client's lease keep-alives with them.
        Task {
            // Nil when the transaction refused the command's identifiers: the router says why, as it always has.
            let text = try? await slack.slashCommand(command)
            eventLoop.execute {
                let (handler, context, head, body) = bound.value
                handler.finish(text, close: close, head: head, body: body, context: context)
            }
        }
    }

    private func finish(_ text: String?, close: Bool, head: HTTPRequest, body: ByteBuffer, context: ChannelHandlerContext) {
        guard !removed else { return }
        answering = false
        forwardedOutsideRead = false
        if let text {
            write(SlackResponseMessage(text: text), close: close, context: context)
        } else {
            replay(head, body, ended: true, context: context)
        }
        while !held.isEmpty, !answering { handle(held.removeFirst(), context: context) }
        if forwardedOutsideRead { context.fireChannelReadComplete() }
        if readWaiting, !answering {
            readWaiting = false
            context.read()
        }
    }

    private func write(_ answer: SlackResponseMessage, close: Bool, context: ChannelHandlerContext) {
        var headers = commonHeaders()
        headers[.contentType] = "application/json"
        context.writeAnswer(status: .ok, headers: headers, body: .json(answer), close: close)
    }

    /// Hands a request this handler took on to the router, as it came.
    private func replay(_ head: HTTPRequest, _ body: ByteBuffer, ended: Bool, context: ChannelHandlerContext) {
        forward(.head(head), context: context)
        if body.readableBytes > 0 { forward(.body(body), context: context) }
        if ended { forward(.end(nil), context: context) }
    }

    private func forward(_ part: HTTPRequestPart, context: ChannelHandlerContext) {
        if case .head = part { owedByRouter += 1 }
        forwardedOutsideRead = true
        context.fireChannelRead(wrapInboundOut(part))
    }

    /// Counts the router's answers as they end.
    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        if case .end = unwrapOutboundIn(data), owedByRouter > 0 { owedByRouter -= 1 }
        context.write(data, promise: promise)
    }

    /// Reads no more once the client has sent more while a command is answered here (what was read is held, so a
    /// pipelining client cannot make the held list grow). A client that waits for its answer is read as usual:
    /// pausing would cost two `epoll_ctl` calls per command.
    func read(context: ChannelHandlerContext) {
        if answering, !held.isEmpty {
            readWaiting = true
        } else {
            context.read()
        }
    }

    func handlerRemoved(context: ChannelHandlerContext) { removed = true }
}
