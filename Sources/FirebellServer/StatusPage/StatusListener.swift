import Hummingbird
import Logging
import NIOCore
import NIOPosix
import Platforms

#if canImport(Glibc)
import Glibc
#endif

/// The status page on a listener of its own (`status_page_port`), served by one event loop of its own at a lower CPU
/// priority than everything else in the process.
///
/// A public status page gets its heaviest traffic during an outage, exactly when responders need the bot. On the
/// command port its readers and the responders' commands share the event loops; here a stampede of readers can use
/// only what the commands leave: the loop's thread runs at nice 10, so the kernel gives the command path's threads
/// the CPU whenever they have work. It is also the port to put behind a CDN, leaving the command port private.
struct StatusListener: Sendable {
    let statusPage: StatusPageRoutes
    let connections: ConnectionGuard
    let host: String
    let port: Int
    let logger: Logger

    /// How much less CPU the listener's thread asks for than the rest (nice value; 0 is the default, 19 the least).
    static let niceness: Int32 = 10

    /// The one thread that serves the status listener, niced once at start.
    static let eventLoops: MultiThreadedEventLoopGroup = {
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        group.next().execute {
            // Linux's nice is per thread: `who` 0 is the calling thread.
            _ = setpriority(__priority_which_t(PRIO_PROCESS.rawValue), 0, niceness)
        }
        return group
    }()

    /// The status page routes and `/healthz`, behind the same connection limits as the command port.
    func application(onListening: @escaping @Sendable (String) async -> Void = { _ in }) -> some ApplicationProtocol {
        let router = Router(context: FirebellRequestContext.self)
        statusPage.register(on: router)
        router.get("/healthz") { _, _ in Response.text("ok", status: .ok) }
        return Application(
            router: router,
            server: FirebellApplication.http1(connections, statusPage),
            configuration: .init(address: .hostname(host, port: port), serverName: FirebellApplication.serverName),
            onServerRunning: { channel in await onListening(channel.localAddress.map { "\($0)" } ?? "") },
            eventLoopGroupProvider: .shared(Self.eventLoops),
            logger: logger
        )
    }
}
