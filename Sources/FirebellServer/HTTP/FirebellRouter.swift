import Foundation
import Hummingbird
import Logging
import NIOCore
import Platforms

/// The HTTP routes of `firebell serve`.
public enum FirebellRouter {
    /// Builds the router. Slack routes exist only when a signing secret is configured.
    public static func build(service: IncidentService, outbox: OutboxDispatcher, slackVerifier: SlackRequestVerifier?, slackAPI: SlackWebAPI?,
                             metrics: FirebellMetrics, logger: Logger) -> Router<BasicRequestContext> {
        let router = Router()
        router.get("/healthz") { _, _ in Response.text("ok", status: .ok) }
        router.get("/readyz") { _, _ in
            // Ready once the data folder is loaded, which is before the router exists.
            Response.text("ready: \(service.channels.count) channels loaded", status: .ok)
        }
        router.get("/metrics") { _, _ in
            metrics.outboxDepth(await outbox.depth())
            return Response(status: .ok, headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8"],
                            body: .init(byteBuffer: ByteBuffer(string: metrics.exposition())))
        }
        if let slackVerifier {
            let routes = SlackRoutes(handler: SlackHandler(service: service, outbox: outbox, slackAPI: slackAPI, logger: logger),
                                     verifier: slackVerifier, logger: logger)
            router.post("/slack/commands") { request, _ in try await routes.command(request) }
            router.post("/slack/events") { request, _ in try await routes.event(request) }
            router.post("/slack/interactions") { request, _ in try await routes.interaction(request) }
        }
        return router
    }
}
