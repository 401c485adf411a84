import FirebellTestSupport
import HTTPTypes
import NIOCore
import NIOEmbedded
import NIOHTTPTypes
import Testing

@testable import FirebellServer

/// A connection's deadlines on an event loop whose time the test moves: the head, the body and the pause between
/// requests each close the connection exactly when due, and a request being answered is never closed.
@Suite("Connection deadlines")
struct ConnectionGuardHandlerTests {
    let connections: ConnectionGuard = {
        var limits = HTTPLimits()
        limits.headerTimeout = .seconds(10)
        limits.bodyTimeout = .seconds(30)
        limits.idleTimeout = .seconds(60)
        return ConnectionGuard(limits: limits, logger: quietLogger())
    }()

    func connected() throws -> (EmbeddedChannel, EmbeddedEventLoop) {
        let loop = EmbeddedEventLoop()
        let channel = EmbeddedChannel(handler: ConnectionGuardHandler(connections), loop: loop)
        try channel.connect(to: SocketAddress(ipAddress: "127.0.0.1", port: 1)).wait()
        return (channel, loop)
    }

    let post = HTTPRequest(method: .post, scheme: "http", authority: "127.0.0.1", path: "/slack/commands")

    /// The connection is open a millisecond before `milliseconds` from now, and closed for `reason` at it.
    func expectCutOff(_ channel: EmbeddedChannel, _ loop: EmbeddedEventLoop, after milliseconds: Int64, for reason: ConnectionGuard.Reason) {
        loop.advanceTime(by: .milliseconds(milliseconds - 1))
        #expect(channel.isActive, "open until its deadline")
        loop.advanceTime(by: .milliseconds(1))
        #expect(!channel.isActive, "closed at its deadline")
        #expect(connections.closedConnections == [reason: 1])
    }

    @Test func aHeadThatNeverComesIsCutOffAtTheHeaderTimeout() throws {
        let (channel, loop) = try connected()
        expectCutOff(channel, loop, after: 10_000, for: .headerTimeout)
    }

    @Test func eachPartOfAKeptAliveConnectionHasItsOwnDeadline() throws {
        let (channel, loop) = try connected()
        // The head at 5 s: the body is due by 35 s (the header deadline at 10 s no longer applies).
        loop.advanceTime(by: .seconds(5))
        try channel.writeInbound(HTTPRequestPart.head(post))
        loop.advanceTime(by: .seconds(29))
        #expect(channel.isActive, "the body has until 35 s")
        try channel.writeInbound(HTTPRequestPart.end(nil))
        // Being answered (a command waiting for the disk): no deadline at all.
        loop.advanceTime(by: .seconds(500))
        #expect(channel.isActive, "a request being answered is never cut off")
        // The answer at 534 s: the next head is due by 594 s.
        try channel.writeOutbound(HTTPResponsePart.head(HTTPResponse(status: .ok)))
        try channel.writeOutbound(HTTPResponsePart.end(nil))
        expectCutOff(channel, loop, after: 60_000, for: .idleTimeout)
    }

    @Test func aBodyThatStallsIsCutOffAtTheBodyTimeoutEvenAfterManyQuickRequests() throws {
        let (channel, loop) = try connected()
        // A thousand quick requests, each answered at once, then one whose body never ends.
        for _ in 0..<1_000 {
            try channel.writeInbound(HTTPRequestPart.head(post))
            try channel.writeInbound(HTTPRequestPart.end(nil))
            try channel.writeOutbound(HTTPResponsePart.head(HTTPResponse(status: .ok)))
            try channel.writeOutbound(HTTPResponsePart.end(nil))
            loop.advanceTime(by: .milliseconds(7))
        }
        try channel.writeInbound(HTTPRequestPart.head(post))
        expectCutOff(channel, loop, after: 30_000, for: .bodyTimeout)
    }
}
