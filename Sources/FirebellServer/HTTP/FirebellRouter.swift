import Foundation
import Hummingbird
import Logging
import NIOCore
import Platforms

/// The HTTP routes of `firebell serve`.
public enum FirebellRouter {
    /// Builds the router. Slack routes exist only when a signing secret is configured.
    static func build(
        service: IncidentService,
        outbox: OutboxDispatcher,
        slack: (SlackHandler, SlackRequestVerifier)?,
        groups: [any RouteGroup],
        slackConnected: ConnectionStatus,
        metrics: FirebellMetrics,
        logger: Logger
    ) -> Router<BasicRequestContext> {
        let router = Router()
        for group in groups { group.register(on: router) }
        router.get("/healthz") { _, _ in Response.text("ok", status: .ok) }
        router.get("/readyz") { _, _ in
            // The data folder is loaded before the router exists; Socket Mode must also be connected.
            guard slackConnected.isUp else {
                return Response.text("not ready: the Slack Socket Mode connection is down", status: .serviceUnavailable)
            }
            let damaged = service.damagedLines
            guard damaged.isEmpty else {
                // Every channel answers; the operator should look at what was set aside.
                let files = Set(damaged.compactMap { if case .damagedLine(let path, _, _, _) = $0 { path } else { nil } }).sorted()
                return Response.text(
                    "ready, degraded: \(damaged.count) damaged log line(s) skipped and kept aside, in \(files.joined(separator: ", "))",
                    status: .ok
                )
            }
            return Response.text("ready: \(service.channels.count) channels loaded", status: .ok)
        }
        router.get("/metrics") { _, _ in
            metrics.outboxDepth(outbox.depth())
            return Response(
                status: .ok,
                headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8"],
                body: .init(byteBuffer: ByteBuffer(string: metrics.exposition()))
            )
        }
        if let (handler, verifier) = slack {
            let routes = SlackRoutes(handler: handler, verifier: verifier, logger: logger)
            router.post("/slack/commands") { request, _ in try await routes.command(request) }
            router.post("/slack/events") { request, _ in try await routes.event(request) }
            router.post("/slack/interactions") { request, _ in try await routes.interaction(request) }
        }
        return router
    }
}

/// A set of routes registered together (status page, alert webhooks, a chat platform).
protocol RouteGroup: Sendable {
    func register(on router: Router<BasicRequestContext>)
}

extension StatusPageRoutes: RouteGroup {}
extension AlertRoutes: RouteGroup {}
extension MattermostRoutes: RouteGroup {}
extension DiscordRoutes: RouteGroup {}
