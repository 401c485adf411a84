import Foundation
import Hummingbird
import IncidentKit
import Messaging
import Platforms

/// The insights across incidents for the team: `/insights` (HTML with inline SVG charts, no JavaScript) and
/// `/insights.json`, over `?days=N` (1 to 366, default 90).
///
/// Served like the status page: from the read model (memory kept current by the transactions), never in a channel's
/// turn, cached per commit, minute and window, with `ETag`/`304`. The page names people and action items, so it is
/// private to the team: behind ``InsightsAccessMiddleware`` when a password is set, and never cached by a shared proxy.
struct InsightsRoutes: Sendable {
    let service: IncidentService
    let engine: EngineConfiguration
    let access: InsightsAccessMiddleware?
    let renderer = InsightsRenderer()
    let cache = ViewCache<Insights>()
    static let defaultDays = 90
    static let cacheControl = "private, max-age=60"

    func register(on router: Router<FirebellRequestContext>) {
        let group = router.group()
        if let access { group.add(middleware: access) }
        group.get("/insights") { request, _ in
            await serve(request, "html", type: "text/html; charset=utf-8") { insights in
                Data(renderer.html(insights, generatedAt: service.clock.now()).utf8)
            }
        }
        group.get("/insights.json") { request, _ in
            await serve(request, "json", type: "application/json; charset=utf-8") { renderer.json($0) }
        }
    }

    /// The window asked for, or the one-line reason it cannot be read.
    static func days(in request: Request) -> Result<Int, InsightsWindowError> {
        guard let text = request.uri.queryParameters["days"].map(String.init) else { return .success(defaultDays) }
        guard let days = Int(text), (1...StatusPageSettings.longestHistoryDays).contains(days) else {
            return .failure(InsightsWindowError(given: text))
        }
        return .success(days)
    }

    private func serve(_ request: Request, _ name: String, type: String, render: (Insights) -> Data) async -> Response {
        let days: Int
        switch Self.days(in: request) {
        case .success(let value): days = value
        case .failure(let error): return .text(error.message, status: .badRequest)
        }
        await service.activity.yieldToCommands(atMost: StatusPageRoutes.yieldLimit)
        await service.readModelReady()
        let now = service.clock.now()
        let key = ViewCache<Insights>.Key(version: service.readModel.version, minute: Int(now.timeIntervalSince1970 / 60), variant: days)
        let build = { service.readModel.insights(days: days, now: now, configuration: engine) }
        // Rendering always has something to show; the cache returns nil only when `render` does.
        guard let rendered = cache.rendered(name, key: key, build: build, render: render) else {
            return .text("Nothing to show.", status: .notFound)
        }
        return rendered.response(to: request, type: type, cacheControl: Self.cacheControl)
    }
}

/// A `days` query that is not a whole number of days from 1 to 366.
struct InsightsWindowError: Error, Equatable {
    let given: String
    var message: String {
        "days must be a whole number from 1 to \(StatusPageSettings.longestHistoryDays), not '\(given.prefix(40))'. Example: /insights?days=90"
    }
}

extension InsightsRoutes: RouteGroup {}
