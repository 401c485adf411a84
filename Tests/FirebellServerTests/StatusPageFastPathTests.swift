import AsyncHTTPClient
import FirebellTestSupport
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import IncidentKit
import Messaging
import NIOCore
import NIOEmbedded
import NIOHTTPTypes
import Platforms
import Synchronization
import Testing

@testable import FirebellServer

/// The status page answered from the event loop (``StatusPageFastPath``), its cache kept across commits that cannot
/// change it, and its own listener (`status_page_port`).
@Suite("Status page fast path", .timeLimit(.minutes(2)))
struct StatusPageFastPathTests {
    let start = Date(timeIntervalSince1970: 1_795_000_000)
    let channel = ChannelRef(platform: .console, workspace: "local", channel: "checkout")

    /// A service with one active incident, its status page routes, and the page as the router renders it.
    func withRenderedPage(
        _ body: (IncidentService, StatusPageRoutes, _ page: (etag: String, body: String)) async throws -> Void
    ) async throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let service = try IncidentService(
            configuration: FirebellConfiguration.inPlace(folder.url),
            clock: ManualWallClock(start),
            logger: quietLogger()
        )
        #expect(await service.run("declare sev1 Checkout down", in: channel, as: "carol").result == .accepted)
        let routes = StatusPageRoutes(service: service, settings: StatusPageSettings(), engine: .standard)
        let router = Router(context: FirebellRequestContext.self)
        routes.register(on: router)
        let page = try await Application(router: router).test(.router) { client in
            let response = try await client.execute(uri: "/status", method: .get)
            return (etag: try #require(response.headers[.eTag]), body: String(buffer: response.body))
        }
        try await body(service, routes, page)
    }

    /// Sends one request through the handler; returns what it answered and whether the request went on.
    func send(
        _ request: HTTPRequest,
        to routes: StatusPageRoutes
    ) throws -> (head: HTTPResponse?, body: String, forwarded: Bool, open: Bool) {
        let channel = EmbeddedChannel(handler: StatusPageFastPath(routes, serverName: "firebell"))
        try channel.connect(to: SocketAddress(ipAddress: "127.0.0.1", port: 1)).wait()
        try channel.writeInbound(HTTPRequestPart.head(request))
        try channel.writeInbound(HTTPRequestPart.end(nil))
        var forwarded = false
        while let part = try channel.readInbound(as: HTTPRequestPart.self) {
            if case .head = part { forwarded = true }
        }
        var head: HTTPResponse?
        var body = ""
        while let part = try channel.readOutbound(as: HTTPResponsePart.self) {
            switch part {
            case .head(let response): head = response
            case .body(let buffer): body += String(buffer: buffer)
            case .end: break
            }
        }
        channel.embeddedEventLoop.run()
        let open = channel.isActive
        _ = try? channel.finish()
        return (head, body, forwarded, open)
    }

    func get(_ path: String, _ headers: HTTPFields = [:]) -> HTTPRequest {
        HTTPRequest(method: .get, scheme: nil, authority: "status.example", path: path, headerFields: headers)
    }

    @Test func aRenderedPageIsAnsweredFromMemoryWithTheRoutesBytesAndHeaders() async throws {
        try await withRenderedPage { _, routes, page in
            let answer = try send(get("/status"), to: routes)
            #expect(!answer.forwarded, "answered on the event loop, not handed to the router")
            let head = try #require(answer.head)
            #expect(head.status == .ok && answer.body == page.body)
            #expect(head.headerFields[.eTag] == page.etag && head.headerFields[.contentType] == "text/html; charset=utf-8")
            #expect(head.headerFields[.contentLength] == "\(page.body.utf8.count)")
            #expect(head.headerFields[.cacheControl] == StatusPageRoutes.cacheControl && head.headerFields[.server] == "firebell")
            #expect(head.headerFields[.date] != nil && head.headerFields[.lastModified] == "Wed, 18 Nov 2026 11:06:00 GMT")
            #expect(answer.open, "the connection is kept alive")

            let cached = try send(get("/status", [.ifNoneMatch: page.etag]), to: routes)
            #expect(cached.head?.status == .notModified && cached.body.isEmpty && !cached.forwarded)
            #expect(cached.head?.headerFields[.contentLength] == nil)

            let closing = try send(get("/status", [.connection: "close"]), to: routes)
            #expect(closing.head?.status == .ok && !closing.open, "Connection: close ends it after the answer")
        }
    }

    @Test func anythingNotRenderedAndCurrentGoesToTheRouter() async throws {
        try await withRenderedPage { service, routes, _ in
            let requests = [
                get("/status.json"), get("/status?refresh=1"), get("/statusx"), get("/status/incidents/"), get("/slack/commands"),
                HTTPRequest(method: .head, scheme: nil, authority: nil, path: "/status"),
                HTTPRequest(method: .post, scheme: nil, authority: nil, path: "/status"),
            ]
            for request in requests {
                let answer = try send(request, to: routes)
                #expect(answer.forwarded && answer.head == nil, "\(request.method) \(request.path ?? ""): not rendered yet, or not a page")
            }

            // A note changes nothing stakeholders see: the page stays cached (a busy incident's commands do not
            // rebuild it). An update changes it: the next request goes to the router, which renders the new page.
            let version = service.readModel.statusVersion
            #expect(await service.run("note checked the dashboards", in: channel, as: "carol").result == .accepted)
            #expect(await service.run("action add write the runbook @bob due: 2026-12-01", in: channel, as: "carol").result == .accepted)
            #expect(service.readModel.statusVersion == version)
            let afterNote = try send(get("/status"), to: routes)
            #expect(!afterNote.forwarded)
            #expect(await service.run("update Rolled back the release", in: channel, as: "carol").result == .accepted)
            #expect(service.readModel.statusVersion > version)
            let afterUpdate = try send(get("/status"), to: routes)
            #expect(afterUpdate.forwarded, "the page changed: rendered again by the route")
            let downgrade = await service.run("sev 2 the fallback holds", in: channel, as: "carol")
            #expect(downgrade.result == .accepted, "\(downgrade.reply ?? "")")
            #expect(service.readModel.statusVersion > version + 1, "a severity change moves the page too")
        }
    }

    @Test func whileACommandRunsTheAnswerWaitsForItAtMostTheYieldLimit() async throws {
        try await withRenderedPage { service, routes, page in
            // A command holds the service until the gate opens.
            let gate = AsyncStream<Void>.makeStream()
            let command = Task { await service.activity.running { for await _ in gate.stream { break } } }
            for _ in 0..<2000 where service.activity.runningCount == 0 { try await Task.sleep(for: .milliseconds(1)) }
            #expect(service.activity.runningCount == 1)

            let channel = EmbeddedChannel(handler: StatusPageFastPath(routes, serverName: "firebell"))
            try await channel.connect(to: SocketAddress(ipAddress: "127.0.0.1", port: 1)).get()
            try channel.writeInbound(HTTPRequestPart.head(get("/status")))
            try channel.writeInbound(HTTPRequestPart.end(nil))
            #expect(try channel.readInbound(as: HTTPRequestPart.self) == nil, "not handed to the router either")
            #expect(try channel.readOutbound(as: HTTPResponsePart.self) == nil, "held while the command runs")
            channel.embeddedEventLoop.advanceTime(by: .milliseconds(49))
            #expect(try channel.readOutbound(as: HTTPResponsePart.self) == nil)
            channel.embeddedEventLoop.advanceTime(by: .milliseconds(1))
            guard case .head(let head) = try channel.readOutbound(as: HTTPResponsePart.self) else {
                Issue.record("answered once the yield limit passed")
                return
            }
            #expect(head.status == .ok && head.headerFields[.eTag] == page.etag)
            _ = try? channel.finish()
            gate.continuation.finish()
            await command.value
        }
    }

    /// A client that pipelines (asks again before its answer came) gets its answers in the order it asked: nothing is
    /// answered from memory while the router owes an earlier answer, and a held answer goes out before the next one.
    @Test func answersComeInTheOrderTheClientAsked() async throws {
        try await withRenderedPage { service, routes, page in
            let channel = EmbeddedChannel(handler: StatusPageFastPath(routes, serverName: "firebell"))
            try await channel.connect(to: SocketAddress(ipAddress: "127.0.0.1", port: 1)).get()
            func ask(_ request: HTTPRequest) throws {
                try channel.writeInbound(HTTPRequestPart.head(request))
                try channel.writeInbound(HTTPRequestPart.end(nil))
            }
            func forwarded() throws -> [String] {
                var paths: [String] = []
                while let part = try channel.readInbound(as: HTTPRequestPart.self) {
                    if case .head(let request) = part { paths.append(request.path ?? "") }
                }
                return paths
            }
            func answered() throws -> [HTTPResponse] {
                var heads: [HTTPResponse] = []
                while let part = try channel.readOutbound(as: HTTPResponsePart.self) {
                    if case .head(let head) = part { heads.append(head) }
                }
                return heads
            }
            // A command, then the page, asked together: the page waits behind the command's answer.
            try ask(HTTPRequest(method: .post, scheme: nil, authority: nil, path: "/slack/commands"))
            try ask(get("/status"))
            #expect(try forwarded() == ["/slack/commands", "/status"], "both go to the router, which answers in order")
            #expect(try answered().isEmpty)
            // The router answers both; after that the page is answered from memory again.
            for _ in 0..<2 {
                try channel.writeOutbound(HTTPResponsePart.head(HTTPResponse(status: .ok)))
                try channel.writeOutbound(HTTPResponsePart.end(nil))
            }
            #expect(try answered().count == 2)
            try ask(get("/status"))
            #expect(try forwarded().isEmpty)
            #expect(try answered().first?.headerFields[.eTag] == page.etag)

            // An answer held for a running command goes out before the router answers what was asked next.
            let gate = AsyncStream<Void>.makeStream()
            let command = Task { await service.activity.running { for await _ in gate.stream { break } } }
            for _ in 0..<2000 where service.activity.runningCount == 0 { try await Task.sleep(for: .milliseconds(1)) }
            try ask(get("/status"))
            #expect(try answered().isEmpty, "held while the command runs")
            try ask(get("/status.json"))
            #expect(try answered().first?.headerFields[.eTag] == page.etag, "the held answer first")
            #expect(try forwarded() == ["/status.json"])
            gate.continuation.finish()
            await command.value
            channel.embeddedEventLoop.run()
            #expect(try answered().isEmpty, "and only once")
            _ = try? channel.finish()
        }
    }

    @Test func aWaiterGoesOnOnceWhenTheLastCommandEndsOrItsDeadlineComes() async throws {
        let activity = CommandActivity()
        let calls = Mutex<[String]>([])
        #expect(activity.whenIdle { calls.withLock { $0.append("idle") } } == nil, "nothing running: at once")
        #expect(calls.withLock { $0 } == ["idle"])

        let gate = AsyncStream<Void>.makeStream()
        let command = Task { await activity.running { for await _ in gate.stream { break } } }
        for _ in 0..<2000 where activity.runningCount == 0 { try await Task.sleep(for: .milliseconds(1)) }
        let ended = try #require(activity.whenIdle { calls.withLock { $0.append("ended") } })
        let expired = try #require(activity.whenIdle { calls.withLock { $0.append("expired") } })
        activity.expire(expired)
        activity.expire(expired)
        #expect(calls.withLock { $0 } == ["idle", "expired"], "its deadline lets it go on, once")
        gate.continuation.finish()
        await command.value
        activity.expire(ended)
        #expect(calls.withLock { $0 } == ["idle", "expired", "ended"], "the command's end lets the other go on, once")
    }

    @Test func theStatusPageHasAListenerOfItsOwn() async throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        try await withHTTPClient { httpClient in
            let firebell = try FirebellApplication(
                configuration: FirebellConfiguration.inPlace(folder.url),
                settings: ServeSettings(),
                httpClient: httpClient,
                clock: ManualWallClock(start),
                logger: quietLogger()
            )
            #expect(await firebell.service.run("declare sev2 Search is slow", in: channel, as: "carol").result == .accepted)
            let statusPort = try freeLoopbackPort()
            try await firebell.application(port: 0, statusPagePort: statusPort).test(.live) { client in
                let main = try await client.execute(uri: "/status", method: .get)
                #expect(main.status == .ok && String(buffer: main.body).contains("Search is slow"))
                func fetch(_ path: String) async throws -> (status: UInt, body: String) {
                    var lastError: (any Error)?
                    for _ in 0..<100 {
                        do {
                            let response = try await httpClient.execute(
                                HTTPClientRequest(url: "http://127.0.0.1:\(statusPort)\(path)"),
                                timeout: .seconds(5)
                            )
                            return (response.status.code, String(buffer: try await response.body.collect(upTo: 1 << 20)))
                        } catch {
                            lastError = error
                            try await Task.sleep(for: .milliseconds(50))
                        }
                    }
                    throw lastError!
                }
                let own = try await fetch("/status")
                #expect(own.status == 200 && own.body == String(buffer: main.body), "the same page on both ports")
                #expect(try await fetch("/status/feed.atom").body.contains("Search is slow"))
                #expect(try await fetch("/slack/commands").status == 404, "only the status page and /healthz")
                #expect(try await fetch("/metrics").status == 404)
                #expect(try await fetch("/healthz").status == 200)
                #if os(Linux)
                // The listener's one thread asks for less CPU than the rest: nice 10 (field 19 of its stat line).
                let tasks = try FileManager.default.contentsOfDirectory(atPath: "/proc/self/task")
                let nices = tasks.compactMap { task -> Int? in
                    guard let stat = try? String(contentsOfFile: "/proc/self/task/\(task)/stat", encoding: .utf8),
                        let afterName = stat.range(of: ") ", options: .backwards)
                    else { return nil }
                    let fields = stat[afterName.upperBound...].split(separator: " ")
                    return fields.count > 16 ? Int(fields[16]) : nil
                }
                #expect(nices.contains(Int(StatusListener.niceness)), "a thread at nice \(StatusListener.niceness)")
                #expect(nices.filter { $0 == Int(StatusListener.niceness) }.count == 1, "only the listener's")
                #endif
            }
        }
    }
}
