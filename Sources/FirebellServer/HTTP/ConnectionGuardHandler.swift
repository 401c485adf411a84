import NIOCore
import NIOHTTPTypes

/// One connection's watch, placed after HTTP decoding: registers the connection with its ``ConnectionGuard``,
/// follows its requests and responses, and closes it when the head, the body or the next request is late.
final class ConnectionGuardHandler: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPRequestPart
    typealias InboundOut = HTTPRequestPart
    typealias OutboundIn = HTTPResponsePart
    typealias OutboundOut = HTTPResponsePart

    private let connections: ConnectionGuard
    private var deadline: Scheduled<Void>?
    private var registered = false
    /// Whether the request being answered has been read to its end (a response may start before it is).
    private var requestEnded = true

    init(_ connections: ConnectionGuard) { self.connections = connections }

    func handlerAdded(context: ChannelHandlerContext) {
        if context.channel.isActive { register(context) }
    }

    func channelActive(context: ChannelHandlerContext) {
        register(context)
        context.fireChannelActive()
    }

    private func register(_ context: ChannelHandlerContext) {
        guard !registered else { return }
        registered = true
        connections.opened(context.channel)
        arm(context, after: connections.limits.headerTimeout, reason: .headerTimeout)
    }

    func channelInactive(context: ChannelHandlerContext) {
        disarm()
        connections.closed(context.channel)
        context.fireChannelInactive()
    }

    func handlerRemoved(context: ChannelHandlerContext) { disarm() }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head:
            requestEnded = false
            connections.update(context.channel, to: .busy)
            arm(context, after: connections.limits.bodyTimeout, reason: .bodyTimeout)
        case .body:
            break
        case .end:
            // The request is whole: answering it may take as long as it takes (a command waits for the disk).
            requestEnded = true
            disarm()
        }
        context.fireChannelRead(data)
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        if case .end = unwrapOutboundIn(data), requestEnded {
            connections.update(context.channel, to: .waiting)
            arm(context, after: connections.limits.idleTimeout, reason: .idleTimeout)
        }
        context.write(data, promise: promise)
    }

    private func arm(_ context: ChannelHandlerContext, after timeout: Duration, reason: ConnectionGuard.Reason) {
        disarm()
        let channel = context.channel
        let connections = connections
        deadline = context.eventLoop.scheduleTask(in: TimeAmount(timeout)) {
            connections.close(channel, because: reason)
        }
    }

    private func disarm() {
        deadline?.cancel()
        deadline = nil
    }
}
