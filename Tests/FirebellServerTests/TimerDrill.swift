import Foundation
@testable import FirebellServer
import IncidentKit
import Platforms
import Messaging

/// A service on a manual clock, driven through simulated time without sleeping.
final class TimerDrill: Sendable {
    let folder: TemporaryFolder
    let clock: ManualWallClock
    let service: IncidentService
    let channel = ChannelRef(platform: "console", workspace: "local", channel: "incident")
    let configuration: FirebellConfiguration

    static let start = Date(timeIntervalSince1970: 1_795_000_000) // 2026-11-18 11:06:40 UTC

    init(configuration: FirebellConfiguration? = nil) throws {
        folder = try TemporaryFolder()
        clock = ManualWallClock(Self.start)
        self.configuration = configuration ?? FirebellConfiguration(dataDirectory: folder.url)
        var effective = self.configuration
        effective.dataDirectory = folder.url
        service = try IncidentService(configuration: effective, clock: clock, logger: quietLogger())
    }

    private init(folder: TemporaryFolder, clock: ManualWallClock, configuration: FirebellConfiguration) throws {
        self.folder = folder
        self.clock = clock
        self.configuration = configuration
        var effective = configuration
        effective.dataDirectory = folder.url
        service = try IncidentService(configuration: effective, clock: clock, logger: quietLogger())
    }

    /// A new service on the same data folder and clock: a restart.
    func restarted() throws -> TimerDrill { try TimerDrill(folder: folder, clock: clock, configuration: configuration) }

    @discardableResult
    func run(_ arguments: String, as user: String = "carol") async -> CommandOutcome {
        await service.handle(InboundCommand(channel: channel, actor: UserRef(user), arguments: arguments), markup: .plain)
    }

    /// Moves the clock and fires what is due, returning the posts.
    func advance(minutes: Double) async -> [String] {
        clock.advance(by: minutes * 60)
        return await fire()
    }

    /// New channel messages from due timers (edits of the headline post are left out).
    func fire() async -> [String] {
        await service.fireDueTimers(now: clock.now()).flatMap(\.posts).filter { $0.purpose != .headline }.map(\.text)
    }

    /// Minutes since the start of the drill at which the service's next deadline falls.
    var nextDeadlineMinute: Double? { service.nextDeadline.map { ($0.timeIntervalSince(Self.start) / 60 * 1000).rounded() / 1000 } }

    func remove() { folder.remove() }
}
