import Foundation
import HTTPTypes
import Hummingbird
import IncidentKit
import Messaging
import NIOCore
import Platforms
import Synchronization

/// The read-only status page for stakeholders: `/status` (HTML), `/status.json`, `/status/feed.atom` and
/// `/status/incidents/<id>`. It shows only what stakeholders are told, and never a private incident.
///
/// Served from the read model (memory kept current by the transactions), never from the logs and never in a
/// channel's turn, and cached until the next commit or the next minute: an outage's visitors pressing refresh cost
/// one build per change, and a CDN in front may keep it for `max-age` seconds (`ETag`, `Last-Modified`, `304`).
struct StatusPageRoutes: Sendable {
    let service: IncidentService
    let builder: StatusPageBuilder
    let renderer = StatusPageRenderer()
    let cache = ViewCache<StatusPage>()
    /// The longest a status request waits for running commands to finish.
    static let yieldLimit: Duration = .milliseconds(50)
    /// Short enough that a CDN shows a new update within seconds; long enough to absorb a stampede.
    static let cacheControl = "public, max-age=10, stale-while-revalidate=30"

    init(service: IncidentService, settings: StatusPageSettings, engine: EngineConfiguration) {
        self.service = service
        builder = StatusPageBuilder(settings: settings, configuration: engine)
    }

    func register(on router: Router<FirebellRequestContext>) {
        router.get("/status") { request, _ in
            await serve(request, .html) { Data(renderer.html($0).utf8) }
        }
        router.get("/status.json") { request, _ in
            await serve(request, .json) { page in
                let encoder = JSONEncoder()
                encoder.dateEncodingStrategy = .iso8601
                encoder.outputFormatting = [.sortedKeys]
                return try? encoder.encode(page)
            }
        }
        router.get("/status/feed.atom") { request, _ in
            await serve(request, .atom) { Data(renderer.atom($0).utf8) }
        }
        router.get("/status/incidents/:id") { request, context in
            let id = context.parameters.get("id") ?? ""
            return await serve(request, .incident(id)) { page in
                guard let incident = (page.active + page.resolved).first(where: { $0.id == id }) else { return nil }
                return Data(renderer.html(incident, page: page).utf8)
            }
        }
    }

    /// One representation, from the cache when nothing has changed; `304 Not Modified` when the client has it.
    private func serve(_ request: Request, _ representation: StatusPageRepresentation, render: (StatusPage) -> Data?) async -> Response {
        // Responders first: a reader waits (without a thread) while commands are running, for at most 50 ms.
        await service.activity.yieldToCommands(atMost: Self.yieldLimit)
        await service.readModelReady()
        let now = service.clock.now()
        let build = { service.readModel.statusPage(builder, now: now) }
        guard let rendered = cache.rendered(representation.cacheName, key: key(now: now), build: build, render: render) else {
            return .text("No such incident on the status page.", status: .notFound)
        }
        return rendered.response(to: request, type: representation.contentType, cacheControl: Self.cacheControl)
    }

    /// The answer to a `GET` of `representation` from the cache, when it is rendered and current; nil otherwise
    /// (the route renders it). What ``StatusPageFastPath`` answers from the event loop.
    func cachedAnswer(_ representation: StatusPageRepresentation, to headers: HTTPFields) -> RenderedView.Answer? {
        cache.current(representation.cacheName, key: key(now: service.clock.now()))?
            .answer(to: headers, type: representation.contentType, cacheControl: Self.cacheControl)
    }

    /// What the page as built at `now` depends on: the read model's status version (commits that can change the page)
    /// and the minute (it shows when it was generated).
    private func key(now: Date) -> ViewCache<StatusPage>.Key {
        ViewCache<StatusPage>.Key(version: service.readModel.statusVersion, minute: Int(now.timeIntervalSince1970 / 60))
    }
}

/// HTTP dates (`Sun, 06 Nov 1994 08:49:37 GMT`, RFC 9110 §5.6.7).
enum HTTPDate {
    private static let format = Date.VerbatimFormatStyle(
        format:
            "\(weekday: .abbreviated), \(day: .twoDigits) \(month: .abbreviated) \(year: .defaultDigits) \(hour: .twoDigits(clock: .twentyFourHour, hourCycle: .zeroBased)):\(minute: .twoDigits):\(second: .twoDigits) GMT",
        locale: Locale(identifier: "en_US_POSIX"),
        timeZone: .gmt,
        calendar: Calendar(identifier: .gregorian)
    )

    static func format(_ date: Date) -> String { date.formatted(format) }

    private static let lastNow = Mutex<(second: Int, text: String)>((-1, ""))

    /// The `Date` header's value for now, formatted at most once a second.
    static func now() -> String {
        let second = Int(Date().timeIntervalSince1970)
        if let text = lastNow.withLock({ $0.second == second ? $0.text : nil }) { return text }
        let text = format(Date(timeIntervalSince1970: TimeInterval(second)))
        lastNow.withLock { $0 = (second, text) }
        return text
    }

    private static let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]

    /// Parses the IMF-fixdate form only (the one every client sends); anything else is nil, so no 304.
    /// Byte by byte rather than `Date.ParseStrategy`: the header is attacker text, and ICU's parser both accepts
    /// nonsense (`08:49:37777777777777`) and has crashed the process on long digit runs.
    static func parse(_ text: String) -> Date? {
        let bytes = Array(text.utf8)
        guard bytes.count == 29, bytes[3] == 44, bytes[4] == 32, bytes[7] == 32, bytes[11] == 32, bytes[16] == 32,
            bytes[19] == 58, bytes[22] == 58, bytes[25] == 32, bytes[26...] == [71, 77, 84]  // "GMT"
        else { return nil }
        func number(_ start: Int, _ length: Int) -> Int? {
            var value = 0
            for byte in bytes[start..<(start + length)] {
                guard (48...57).contains(byte) else { return nil }
                value = value * 10 + Int(byte - 48)
            }
            return value
        }
        let monthName = String(decoding: bytes[8..<11], as: UTF8.self)
        guard let monthIndex = months.firstIndex(of: monthName), let day = number(5, 2), let year = number(12, 4),
            let hour = number(17, 2), let minute = number(20, 2), let second = number(23, 2)
        else { return nil }
        return ISOTimestamp.date(year: year, month: monthIndex + 1, day: day, hour: hour, minute: minute, second: second)
    }
}
