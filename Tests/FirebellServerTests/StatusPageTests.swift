import AsyncHTTPClient
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import IncidentKit
import Messaging
import NIOCore
import Platforms
import Testing

@testable import FirebellServer
@testable import IncidentStore

#if canImport(FoundationXML)
import FoundationXML
#endif

@Suite("Status page", .timeLimit(.minutes(2)))
struct StatusPageTests {
    static let hostileTitle = "Card payments <script>alert(1)</script> & \"quotes\" fail"
    let start = Date(timeIntervalSince1970: 1_795_000_000)  // 2026-11-18 11:06:40 UTC

    /// Five incidents: one outside the window, one resolved, one active, one private, one SEV4. Returns the clock at "now".
    func populate(_ folder: TemporaryFolder) async throws -> ManualWallClock {
        let clock = ManualWallClock(start.addingTimeInterval(-100 * 86400))
        let service = try IncidentService(configuration: FirebellConfiguration.inPlace(folder.url), clock: clock, logger: quietLogger())
        func run(_ channel: String, _ arguments: String) async {
            let outcome = await service.run(arguments, in: ChannelRef(platform: .console, workspace: "local", channel: channel), as: "carol")
            #expect(outcome.result == .accepted, "\(arguments): \(outcome.reply ?? "")")
        }
        await run("old", "declare sev3 Long ago")
        await run("old", "resolve")
        clock.set(start)
        await run("checkout", "declare sev1 Checkout down")
        await run("checkout", "update Rolled back")
        clock.advance(by: 7200)
        await run("checkout", "resolve root cause: a config change")
        clock.set(start.addingTimeInterval(4 * 86400))
        await run("payments", "declare sev2 \(Self.hostileTitle) impact: EU cards declined")
        await run("payments", "note SECRET-NOTE rotated the database password")
        await run("payments", "action add SECRET-ACTION audit keys @bob due: 2026-12-01")
        await run("payments", "update Failing over to the standby processor")
        await run("hr", "declare sev1 Payroll data exposed")
        await run("hr", "private on")
        await run("ui", "declare sev4 Button misaligned")
        clock.advance(by: 600)
        return clock
    }

    func withStatusServer(_ body: @Sendable (any TestClientProtocol) async throws -> Void) async throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let clock = try await populate(folder)
        try await withHTTPClient { httpClient in
            let firebell = try FirebellApplication(
                configuration: FirebellConfiguration.inPlace(folder.url),
                settings: ServeSettings(),
                httpClient: httpClient,
                clock: clock,
                logger: quietLogger()
            )
            try await firebell.application(port: 0).test(.live) { client in try await body(client) }
        }
    }

    @Test func theJSONShowsOnlyWhatStakeholdersAreTold() async throws {
        try await withStatusServer { client in
            let response = try await client.execute(uri: "/status.json", method: .get)
            #expect(response.status == .ok)
            #expect(response.headers[.contentType] == "application/json; charset=utf-8")
            let body = String(buffer: response.body)
            let decoder = JSONDecoder()
            decoder.dateDecodingStrategy = .iso8601
            let page = try decoder.decode(StatusPage.self, from: Data(body.utf8))
            #expect(page.overall == "sev2")
            #expect(page.active.map(\.id) == ["INC-2026-0003"])
            #expect(page.resolved.map(\.id) == ["INC-2026-0002"], "private, SEV4 and out-of-window incidents are left out")
            let active = try #require(page.active.first)
            #expect(active.title == Self.hostileTitle)
            #expect(active.impact == "EU cards declined")
            #expect(active.updates.map(\.label) == ["Update", "Investigating"], "newest first")
            #expect(active.updates.first?.text == "Failing over to the standby processor")
            #expect(active.nextUpdateAt == start.addingTimeInterval(4 * 86400 + 1800), "30 min after the update (SEV2)")
            #expect(page.history.count == 90)
            #expect(page.history.last?.date == "2026-11-22")
            #expect(page.history.first?.date == "2026-08-25")
            let worst = Dictionary(uniqueKeysWithValues: page.history.compactMap { day in day.worstSeverity.map { (day.date, $0) } })
            #expect(worst == ["2026-11-18": "sev1", "2026-11-22": "sev2"])
            for secret in ["SECRET-NOTE", "SECRET-ACTION", "Payroll", "Button misaligned", "Long ago", "a config change", "@carol"] {
                #expect(!body.contains(secret), "\(secret) must not be on the status page")
            }
        }
    }

    @Test func theHTMLPageEscapesUserTextAndLinksEachIncident() async throws {
        try await withStatusServer { client in
            let response = try await client.execute(uri: "/status", method: .get)
            #expect(response.status == .ok)
            #expect(response.headers[.contentType] == "text/html; charset=utf-8")
            let html = String(buffer: response.body)
            #expect(html.contains("Card payments &lt;script&gt;alert(1)&lt;/script&gt; &amp; &quot;quotes&quot; fail"))
            #expect(!html.contains("<script"), "no script at all: the page needs no JavaScript and user text cannot add one")
            #expect(html.contains("<h2 id=\"active-heading\">Active incidents</h2>"))
            #expect(html.contains("Next update by 2026-11-22 11:36 UTC."))
            #expect(html.components(separatedBy: "<li class=\"day ").count - 1 == 90)
            #expect(html.contains("<li class=\"day sev1\" title=\"2026-11-18: SEV1, INC-2026-0002\">"))
            #expect(html.contains("href=\"/status/incidents/INC-2026-0003\""))
            #expect(!html.contains("SECRET"))

            let detail = try await client.execute(uri: "/status/incidents/INC-2026-0002", method: .get)
            #expect(detail.status == .ok)
            let detailHTML = String(buffer: detail.body)
            #expect(detailHTML.contains("Rolled back"))
            #expect(detailHTML.contains("This incident has been resolved."))
            #expect(try await client.execute(uri: "/status/incidents/INC-2026-0004", method: .get).status == .notFound, "private")
            #expect(try await client.execute(uri: "/status/incidents/INC-2026-0005", method: .get).status == .notFound, "SEV4")
        }
    }

    @Test func theAtomFeedIsWellFormedAndListsStakeholderEntries() async throws {
        try await withStatusServer { client in
            let response = try await client.execute(uri: "/status/feed.atom", method: .get)
            #expect(response.status == .ok)
            #expect(response.headers[.contentType] == "application/atom+xml; charset=utf-8")
            let xml = Data(buffer: response.body)
            let collector = AtomCollector()
            let parser = XMLParser(data: xml)
            parser.delegate = collector
            #expect(parser.parse(), "the feed is well-formed XML")
            #expect(collector.entryTitles.count == 5, "2 entries of the active incident, 3 of the resolved one")
            #expect(collector.entryTitles.first == "\(Self.hostileTitle): Update")
            #expect(!String(decoding: xml, as: UTF8.self).contains("SECRET"))
        }
    }

    @Test(.enabled(if: Browser.path != nil || Browser.required, "needs Chromium (apt-get install chromium); .ci/run installs it"))
    func aRealBrowserShowsTheActiveIncidentAndTheHistoryBars() async throws {
        let chromium = try #require(Browser.path, "FIREBELL_REQUIRE_BROWSER is set but no chromium is installed")
        try await withStatusServer { client in
            let url = "http://127.0.0.1:\(client.port!)/status"
            let dom = try await Browser.run(chromium, ["--dump-dom", url])
            let text = String(decoding: dom.output, as: UTF8.self)
            #expect(text.contains("Card payments &lt;script&gt;alert(1)&lt;/script&gt;"), "the active incident is on the page")
            #expect(text.contains("Failing over to the standby processor"))
            #expect(text.components(separatedBy: "class=\"day ").count - 1 == 90, "the history bars")

            let shot = try await Browser.run(chromium, ["--window-size=390,844", "--screenshot", url], screenshot: true)
            let png = try #require(shot.screenshot)
            #expect(png.starts(with: [0x89, 0x50, 0x4E, 0x47]), "a PNG was rendered")
            let width = png[16..<20].reduce(0) { $0 << 8 | Int($1) }
            #expect(width == 390, "rendered at phone width")
        }
    }
}

/// Collects entry titles from an Atom document.
final class AtomCollector: NSObject, XMLParserDelegate, @unchecked Sendable {
    var entryTitles: [String] = []
    private var inEntry = false
    private var text: String?

    func parser(_ parser: XMLParser, didStartElement name: String, namespaceURI: String?, qualifiedName: String?, attributes: [String: String] = [:])
    {
        if name == "entry" { inEntry = true }
        if name == "title", inEntry { text = "" }
    }

    func parser(_ parser: XMLParser, foundCharacters string: String) { text?.append(string) }

    func parser(_ parser: XMLParser, didEndElement name: String, namespaceURI: String?, qualifiedName: String?) {
        if name == "title", let value = text {
            entryTitles.append(value)
            text = nil
        }
        if name == "entry" { inEntry = false }
    }
}

/// The status page is a projection: served from memory the transactions keep current, cached per change, and
/// conditional for browsers and CDNs.
extension StatusPageTests {
    func routes(_ service: IncidentService) -> Router<FirebellRequestContext> {
        let router = Router(context: FirebellRequestContext.self)
        StatusPageRoutes(service: service, settings: StatusPageSettings(), engine: .standard).register(on: router)
        return router
    }

    @Test func aChannelHoldingItsTurnDoesNotHoldThePageAndTheLogsAreNotReadPerRequest() async throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let worker = DispatchQueue(label: "held group commit")
        let committer = try GroupCommit(volume: folder.url.appendingPathComponent("channels"), worker: worker)
        let clock = ManualWallClock(start)
        let service = try IncidentService(
            configuration: FirebellConfiguration.inPlace(folder.url),
            clock: clock,
            logger: quietLogger(),
            committer: committer
        )
        let channel = ChannelRef(platform: .console, workspace: "local", channel: "checkout")
        #expect(await service.run("declare sev1 Checkout down", in: channel, as: "carol").result == .accepted)
        try await Application(router: routes(service)).test(.router) { client in
            #expect(String(buffer: try await client.execute(uri: "/status", method: .get).body).contains("Checkout down"))
            // The log is gone from under the page: it is never read to serve it.
            try FileManager.default.removeItem(at: DataLayout(root: folder.url).logFile(for: channel))
            // The channel's next command holds its turn while its write waits for a sync that does not come.
            worker.suspend()
            let held = Task { await service.run("update Rolled back the release", in: channel, as: "carol") }
            for _ in 0..<2000 where committer.waitingCount == 0 { try await Task.sleep(for: .milliseconds(1)) }
            #expect(committer.waitingCount == 1, "the update holds the channel's turn")
            let during = try await client.execute(uri: "/status.json", method: .get)
            #expect(during.status == .ok && String(buffer: during.body).contains("Checkout down"), "served while the turn is held")
            #expect(!String(buffer: during.body).contains("Rolled back"), "nothing uncommitted is shown")
            // A reader that yields to commands goes on once the running one is done (long before its 30 s).
            let yielded = Task {
                await service.activity.yieldToCommands(atMost: .seconds(30))
                return service.activity.runningCount
            }
            worker.resume()
            #expect(await yielded.value == 0, "the reader waited for the command")
            #expect(await held.value.result == .accepted)
            let after = try await client.execute(uri: "/status.json", method: .get)
            #expect(String(buffer: after.body).contains("Rolled back the release"), "the committed update is shown at once")
        }
    }

    @Test func thePageIsCachedUntilItChangesAndAnswers304ToAClientThatHasIt() async throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let clock = try await populate(folder)
        let service = try IncidentService(configuration: FirebellConfiguration.inPlace(folder.url), clock: clock, logger: quietLogger())
        try await Application(router: routes(service)).test(.router) { client in
            let first = try await client.execute(uri: "/status", method: .get)
            let etag = try #require(first.headers[.eTag])
            let modified = try #require(first.headers[.lastModified])
            #expect(first.headers[.cacheControl] == "public, max-age=10, stale-while-revalidate=30")
            #expect(modified == "Sun, 22 Nov 2026 11:16:00 GMT", "the minute the page was generated in")
            let again = try await client.execute(uri: "/status", method: .get, headers: [.ifNoneMatch: etag])
            #expect(again.status == .notModified && again.body.readableBytes == 0 && again.headers[.eTag] == etag)
            let since = try await client.execute(uri: "/status", method: .get, headers: [.ifModifiedSince: modified])
            #expect(since.status == .notModified)
            for stale in ["Sun, 22 Nov 2026 11:15:59 GMT", "Sun, 22 Nov 2026 11:16:00777777777 GMT", "yesterday"] {
                let answer = try await client.execute(uri: "/status", method: .get, headers: [.ifModifiedSince: stale])
                #expect(answer.status == .ok, "\(stale): older or unreadable dates get the page")
            }
            let json = try await client.execute(uri: "/status.json", method: .get, headers: [.ifNoneMatch: etag])
            #expect(json.status == .ok, "each representation has its own ETag")

            let payments = ChannelRef(platform: .console, workspace: "local", channel: "payments")
            #expect(await service.run("update Standby is taking traffic", in: payments, as: "carol").result == .accepted)
            let changed = try await client.execute(uri: "/status", method: .get, headers: [.ifNoneMatch: etag])
            #expect(changed.status == .ok && changed.headers[.eTag] != etag, "a commit changes the page")
            #expect(String(buffer: changed.body).contains("Standby is taking traffic"))
            clock.advance(by: 60)
            let nextMinute = try await client.execute(uri: "/status", method: .get, headers: [.ifNoneMatch: changed.headers[.eTag]!])
            #expect(nextMinute.status == .ok, "a new minute is a new page (it shows when it was generated)")
        }
    }
}
