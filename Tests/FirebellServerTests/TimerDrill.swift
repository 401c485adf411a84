import Foundation
import IncidentKit
import Messaging
import Platforms
import Synchronization

@testable import FirebellServer

/// A service on a manual clock, driven through simulated time without sleeping.
final class TimerDrill: Sendable {
    let folder: TemporaryFolder
    let clock: ManualWallClock
    let service: IncidentService
    let channel = ChannelRef(platform: .console, workspace: "local", channel: "incident")
    let configuration: FirebellConfiguration
    /// What the service hands to delivery.
    let sink = DrillSink()
    /// New posts (not edits) as the service hands them to delivery.
    var delivered: AsyncStream<OutboundMessage> { sink.stream }

    static let start = Date(timeIntervalSince1970: 1_795_000_000)  // 2026-11-18 11:06:40 UTC

    init(configuration: FirebellConfiguration? = nil) throws {
        folder = try TemporaryFolder()
        clock = ManualWallClock(Self.start)
        self.configuration = configuration ?? FirebellConfiguration(dataDirectory: folder.url)
        var effective = self.configuration
        effective.dataDirectory = folder.url
        service = try IncidentService(configuration: effective, clock: clock, logger: quietLogger(), sink: sink)
    }

    private init(folder: TemporaryFolder, clock: ManualWallClock, configuration: FirebellConfiguration) throws {
        self.folder = folder
        self.clock = clock
        self.configuration = configuration
        var effective = configuration
        effective.dataDirectory = folder.url
        service = try IncidentService(configuration: effective, clock: clock, logger: quietLogger(), sink: sink)
    }

    /// A new service on the same data folder and clock: a restart.
    func restarted() throws -> TimerDrill { try TimerDrill(folder: folder, clock: clock, configuration: configuration) }

    @discardableResult
    func run(_ arguments: String, as user: String = "carol") async -> Answer {
        await service.run(arguments, in: channel, as: user)
    }

    /// Moves the clock and fires what is due, returning the posts.
    func advance(minutes: Double) async -> [String] {
        clock.advance(by: minutes * 60)
        return await fire()
    }

    /// New channel messages from due timers (edits of the headline post are left out).
    func fire() async -> [String] {
        await service.fireDueTimers(now: clock.now()).flatMap { $0.posts(in: channel) }.map(\.text)
    }

    /// Minutes since the start of the drill at which the service's next deadline falls.
    var nextDeadlineMinute: Double? { service.nextDeadline.map { ($0.timeIntervalSince(Self.start) / 60 * 1000).rounded() / 1000 } }

    func remove() { folder.remove() }
}

/// Delivery for a drill: streams new posts, and prints them too when a console is attached.
final class DrillSink: EffectSink {
    private let continuation: AsyncStream<OutboundMessage>.Continuation
    let stream: AsyncStream<OutboundMessage>
    private let console = Mutex<ConsoleSink?>(nil)

    init() { (stream, continuation) = AsyncStream<OutboundMessage>.makeStream() }

    /// Prints what is delivered from now on to `output`.
    func attach(_ output: ConsoleOutput) { console.withLock { $0 = ConsoleSink(output: output) } }

    func accept(_ messages: [OutboundMessage], transactionEnd: Int, from channel: ChannelRef) {
        for message in messages where message.placement != nil { continuation.yield(message) }
        console.withLock { $0 }?.accept(messages, transactionEnd: transactionEnd, from: channel)
    }

    func reply(_ message: OutboundMessage) { console.withLock { $0 }?.reply(message) }
}
