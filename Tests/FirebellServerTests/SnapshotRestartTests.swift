import Foundation
import IncidentKit
import IncidentStore
import Testing

@testable import FirebellServer

@Suite("Restart from snapshots")
struct SnapshotRestartTests {
    let channels = (1...3).map { ChannelRef(platform: .slack, workspace: "T1", channel: "C\($0)") }

    func run(_ service: IncidentService, _ text: String, in channel: ChannelRef) async {
        let outcome = await service.run(text, in: channel, as: "carol")
        #expect(outcome.result == .accepted, "\(text): \(outcome.reply ?? "")")
    }

    func states(_ service: IncidentService) async -> [ChannelRef: ChannelState] {
        var states: [ChannelRef: ChannelState] = [:]
        for channel in channels { states[channel] = await service.state(of: channel) }
        return states
    }

    @Test func aRestartReadsSnapshotsWhereLogsAreUnchangedAndReplaysTheRest() async throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let configuration = FirebellConfiguration(dataDirectory: folder.url)
        let clock = ManualWallClock(Date(timeIntervalSince1970: 1_795_000_000))
        let first = try IncidentService(configuration: configuration, clock: clock, logger: quietLogger())
        for channel in channels {
            await run(first, "declare sev2 Checkout returns 500s in \(channel.channel)", in: channel)
            await run(first, "role ic @alice", in: channel)
            await run(first, "update Rolled back next: 30m", in: channel)
        }
        #expect(await first.writeSnapshots() == 3)
        #expect(await first.writeSnapshots() == 0, "nothing changed since: nothing to write")
        // A command after the snapshots, as if the process then crashed before writing them again.
        await run(first, "note written after the last snapshot", in: channels[0])
        let before = await states(first)
        let armed = first.nextDeadline
        #expect(armed != nil && armed! > clock.now())

        let layout = DataLayout(root: folder.url)
        let loaded = try DataFolder.loadStates(layout)
        #expect(loaded.fromSnapshots == Set(channels.dropFirst()), "the changed channel is replayed, the others read from their snapshots")
        let second = try IncidentService(configuration: configuration, clock: clock, logger: quietLogger())
        #expect(second.nextDeadline == clock.now(), "channels still in their snapshots are due for a first look at once")
        #expect(await second.fireDueTimers(now: clock.now()).isEmpty, "nothing was due: the first pass only decodes")
        #expect(second.nextDeadline == armed, "and re-arms the deadlines the state holds")
        #expect(await states(second) == before)
        #expect(await second.writeSnapshots() == 1, "only the replayed channel needs a new snapshot")

        await run(second, "declare sev3 Search is slow", in: ChannelRef(platform: .slack, workspace: "T1", channel: "C9"))
        let third = try IncidentService(configuration: configuration, clock: clock, logger: quietLogger())
        // The first thing a channel still in its snapshot sees is a command: it decodes, then applies on top.
        await run(third, "note first command after the restart", in: channels[2])
        var expected = before
        expected[channels[2]]!.apply(try #require(await third.records(of: channels[2]).last))
        #expect(expected[channels[2]]!.lastSequence == before[channels[2]]!.lastSequence + 1)
        #expect(await states(third) == expected)
        let ids = await third.state(of: ChannelRef(platform: .slack, workspace: "T1", channel: "C9")).order
        #expect(ids == [IncidentID(year: UTC.year(of: clock.now()), sequence: 4)], "ids keep counting after a restart from snapshots")
    }
}
