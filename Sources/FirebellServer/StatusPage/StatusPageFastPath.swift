import HTTPTypes
import NIOCore
import NIOHTTPTypes

/// Answers a `GET` of a status page representation that is rendered and current straight from memory, on the event
/// loop that read the request: no task is started and nothing a command waits for is touched, so an outage's
/// visitors pressing refresh cost the responders' commands as little as the bytes they are sent.
///
/// While a command is running the answer waits for it to end (at most ``StatusPageRoutes/yieldLimit``), as the
/// route's readers do: a stampede's clients each wait for their answer before asking again, so holding the answers
/// while a responder's command runs takes the stampede off the CPU the command needs.
///
/// Placed after HTTP decoding, before the router. Anything else (another path or method, a query, a representation
/// not rendered since the last commit or minute) goes on to the router, whose status page routes render it and fill
/// the cache; the answers are the same bytes and headers either way, `304` included. HTTP/1.1 answers in the order
/// asked: while the router owes this connection an answer, a request goes to the router too, and an answer held for a
/// command is written before anything the client asks next.
final class StatusPageFastPath: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPRequestPart
    typealias InboundOut = HTTPRequestPart
    typealias OutboundIn = HTTPResponsePart
    typealias OutboundOut = HTTPResponsePart

    /// An answer held while a command runs.
    private final class Held {
        let answer: RenderedView.Answer
        let close: Bool
        init(_ answer: RenderedView.Answer, close: Bool) {
            self.answer = answer
            self.close = close
        }
    }

    private let statusPage: StatusPageRoutes
    private let serverName: String
    /// The answer to the request being read, written once its end is read; nil while a request goes to the router.
    private var pending: (answer: RenderedView.Answer, close: Bool)?
    /// The answer waiting for a command to end, if any.
    private var held: Held?
    /// Requests handed to the router whose answer has not ended yet.
    private var owedByRouter = 0
    /// Whether the handler has left the pipeline (the connection closed while an answer waited).
    private var removed = false

    init(_ statusPage: StatusPageRoutes, serverName: String) {
        self.statusPage = statusPage
        self.serverName = serverName
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head(let request):
            pending = nil
            // The client asks something else: the held answer goes first, whatever the command is doing.
            if let held { release(held, context: context) }
            if owedByRouter == 0, request.method == .get, let path = request.path,
                let representation = StatusPageRepresentation(path: path[...]),
                let answer = statusPage.cachedAnswer(representation, to: request.headerFields)
            {
                // Hummingbird's rule: the connection ends after this answer only when the client says so.
                pending = (answer, request.headerFields[.connection]?.lowercased() == "close")
                return
            }
            owedByRouter += 1
            context.fireChannelRead(data)
        case .body:
            if pending == nil { context.fireChannelRead(data) }
        case .end:
            guard let (answer, close) = pending else { return context.fireChannelRead(data) }
            pending = nil
            answerWhenNoCommandRuns(answer, close: close, context: context)
        }
    }

    /// Counts the router's answers as they end.
    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        if case .end = unwrapOutboundIn(data), owedByRouter > 0 { owedByRouter -= 1 }
        context.write(data, promise: promise)
    }

    func handlerRemoved(context: ChannelHandlerContext) { removed = true }

    private func answerWhenNoCommandRuns(_ answer: RenderedView.Answer, close: Bool, context: ChannelHandlerContext) {
        let activity = statusPage.service.activity
        guard activity.runningCount > 0 else { return write(answer, close: close, context: context) }
        let holding = Held(answer, close: close)
        held = holding
        let eventLoop = context.eventLoop
        let waiting = NIOLoopBound((handler: self, context: context, holding: holding), eventLoop: eventLoop)
        let id = activity.whenIdle {
            eventLoop.execute {
                let (handler, context, holding) = waiting.value
                handler.release(holding, context: context)
            }
        }
        guard let id else { return }
        eventLoop.scheduleTask(in: TimeAmount(StatusPageRoutes.yieldLimit)) { activity.expire(id) }
    }

    /// Writes a held answer, once: when its command ends, at its deadline, or before the client's next request.
    private func release(_ holding: Held, context: ChannelHandlerContext) {
        guard held === holding, !removed else { return }
        held = nil
        write(holding.answer, close: holding.close, context: context)
    }

    private func write(_ answer: RenderedView.Answer, close: Bool, context: ChannelHandlerContext) {
        var headers = answer.headers
        headers[.date] = HTTPDate.now()
        headers[.server] = serverName
        context.writeAnswer(status: answer.status, headers: headers, body: answer.body, close: close)
    }
}
