import Foundation
import Hummingbird
import NIOCore
import Platforms

/// The HTTP routes of `firebell serve`.
package enum FirebellRouter {
    /// Builds the router: each platform adds its own routes behind its verification middleware.
    static func build(
        service: IncidentService,
        outbox: OutboxDispatcher,
        platforms: [any ChatPlatform],
        groups: [any RouteGroup],
        metrics: FirebellMetrics
    ) -> Router<FirebellRequestContext> {
        let router = Router(context: FirebellRequestContext.self)
        for group in groups { group.register(on: router) }
        for platform in platforms { platform.addRoutes(to: router, transactions: service) }
        router.get("/healthz") { _, _ in Response.text("ok", status: .ok) }
        router.get("/readyz") { _, _ in
            // The data folder is loaded before the router exists; the platforms' connections must also be up.
            if let reason = platforms.lazy.compactMap(\.notReadyReason).first {
                return Response.text("not ready: \(reason)", status: .serviceUnavailable)
            }
            if let reason = await service.store.notReadyReason() {
                return Response.text("not ready: \(reason)", status: .serviceUnavailable)
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
        return router
    }
}

/// A set of routes registered together (status page, alert webhooks, a chat platform).
protocol RouteGroup: Sendable {
    func register(on router: Router<FirebellRequestContext>)
}

extension StatusPageRoutes: RouteGroup {}
extension AlertRoutes: RouteGroup {}
