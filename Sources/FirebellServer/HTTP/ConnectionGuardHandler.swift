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
    /// When the connection is closed, and why, unless its request moves on first (nil: no deadline).
    private var deadline: (at: NIODeadline, reason: ConnectionGuard.Reason)?
    /// The one timer of the connection, due at or before `deadline`. Arming and disarming only set `deadline`: the
    /// timer, when it fires, closes the connection or sets itself again, so a request costs no timer of its own.
    private var check: (task: Scheduled<Void>, at: NIODeadline)?
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
        stopChecking()
        connections.closed(context.channel)
        context.fireChannelInactive()
    }

    func handlerRemoved(context: ChannelHandlerContext) { stopChecking() }

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
        let at = context.eventLoop.now + TimeAmount(timeout)
        deadline = (at, reason)
        // A check due no later than the deadline looks again when it fires; only an earlier deadline needs a timer.
        if let check, check.at <= at { return }
        schedule(context, at: at)
    }

    private func disarm() { deadline = nil }

    private func schedule(_ context: ChannelHandlerContext, at: NIODeadline) {
        check?.task.cancel()
        let handler = NIOLoopBound(self, eventLoop: context.eventLoop)
        let bound = NIOLoopBound(context, eventLoop: context.eventLoop)
        check = (context.eventLoop.scheduleTask(deadline: at) { handler.value.checkDeadline(bound.value) }, at)
    }

    /// The timer fired: closes the connection when its deadline has passed; otherwise looks again at the deadline or
    /// after the shortest timeout, whichever is sooner, so that no deadline armed meanwhile is ever earlier than
    /// the next look (every timeout is at least the shortest).
    private func checkDeadline(_ context: ChannelHandlerContext) {
        check = nil
        guard let deadline else { return }
        let now = context.eventLoop.now
        if deadline.at <= now {
            self.deadline = nil
            connections.close(context.channel, because: deadline.reason)
        } else {
            schedule(context, at: min(deadline.at, now + TimeAmount(connections.limits.shortestTimeout)))
        }
    }

    private func stopChecking() {
        deadline = nil
        check?.task.cancel()
        check = nil
    }
}
