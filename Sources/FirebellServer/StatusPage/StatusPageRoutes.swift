import Foundation
import Hummingbird
import IncidentKit
import Messaging
import NIOCore
import Platforms

/// The read-only status page for stakeholders: `/status` (HTML), `/status.json`, `/status/feed.atom` and
/// `/status/incidents/<id>`. It shows only what stakeholders are told, and never a private incident.
struct StatusPageRoutes: Sendable {
    let service: IncidentService
    let builder: StatusPageBuilder
    let renderer = StatusPageRenderer()

    init(service: IncidentService, settings: StatusPageSettings, engine: EngineConfiguration) {
        self.service = service
        builder = StatusPageBuilder(settings: settings, configuration: engine)
    }

    func register(on router: Router<FirebellRequestContext>) {
        router.get("/status") { _, _ in try await html(renderer.html(page())) }
        router.get("/status.json") { _, _ in
            let encoder = JSONEncoder()
            encoder.dateEncodingStrategy = .iso8601
            encoder.outputFormatting = [.sortedKeys]
            return response(try encoder.encode(try await page()), type: "application/json; charset=utf-8")
        }
        router.get("/status/feed.atom") { _, _ in
            let page = try await page()
            return response(Data(renderer.atom(page).utf8), type: "application/atom+xml; charset=utf-8")
        }
        router.get("/status/incidents/:id") { _, context in
            let page = try await page()
            guard let id = context.parameters.get("id"),
                let incident = (page.active + page.resolved).first(where: { $0.id == id })
            else {
                return Response(
                    status: .notFound,
                    headers: [.contentType: "text/plain; charset=utf-8"],
                    body: .init(byteBuffer: ByteBuffer(string: "No such incident on the status page."))
                )
            }
            return html(renderer.html(incident, page: page))
        }
    }

    private func page() async throws -> StatusPage {
        try await service.statusPage(builder, now: service.clock.now())
    }

    private func html(_ text: String) -> Response { response(Data(text.utf8), type: "text/html; charset=utf-8") }

    private func response(_ body: Data, type: String) -> Response {
        Response(status: .ok, headers: [.contentType: type, .cacheControl: "no-cache"], body: .init(byteBuffer: ByteBuffer(bytes: body)))
    }
}
