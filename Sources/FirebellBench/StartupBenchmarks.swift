import FirebellServer
import Foundation
import IncidentKit
import IncidentStore
import Logging

/// Start-up of a data folder the size of a busy installation's history: many channel logs, a million events.
struct StartupBenchmarks {
    let channels: Int
    let eventsPerChannel: Int
    let directory: URL
    let report: (String, String, String) -> Void

    /// The first event's time; every restart happens an hour after the last event, so no timer is due and the first
    /// timer pass only decodes and re-arms.
    private let start = Date(timeIntervalSince1970: 1_795_000_000)

    /// Writes the logs, starts on them (a replay) and writes the snapshots, leaving the folder for `restart`.
    func run() async throws {
        let folder = directory.appendingPathComponent("startup")
        try? FileManager.default.removeItem(at: folder)
        let bytes = try writeLogs(into: folder)
        let residentBefore = Stopwatch.currentResidentBytes()
        var service: IncidentService?
        let elapsed = try Stopwatch.seconds { service = try makeService(folder) }
        let resident = Stopwatch.currentResidentBytes() - residentBefore
        let events = channels * eventsPerChannel
        report(
            "start-up: ready, replaying logs",
            String(format: "%.2f s", elapsed),
            "\(channels) channel logs, \(events) events, \(bytes >> 20) MiB on disk (first start, or no snapshots)"
        )
        report("start-up: resident memory added", "\(resident >> 20) MiB", "target ≤ 200 MB; \(service!.channels.count) channels in memory")
        var written = 0
        let writing = await Stopwatch.secondsAsync { written = await service!.writeSnapshots() }
        report("start-up: writing snapshots", String(format: "%.2f s", writing), "(\(written) channels, in the background after ready)")
    }

    /// Restarts on the folder `run` left, `times` times, in a process of its own (as a restart is): the figure to
    /// profile and to watch for spread.
    func restart(times: Int) async throws {
        let folder = directory.appendingPathComponent("startup")
        guard FileManager.default.fileExists(atPath: folder.path) else {
            throw BenchmarkError("no data in \(folder.path): run `--only startup --keep --dir \(directory.path)` first")
        }
        var restarts: [Restart] = []
        for _ in 0..<times { restarts.append(try await measureRestart(folder)) }
        let ready = restarts.map(\.ready).sorted()
        report(
            "start-up: ready, from snapshots",
            String(format: "%.2f s", ready[ready.count / 2]),
            String(format: "median of %d restarts, %.2f–%.2f s; target ≤ 2 s", times, ready.first!, ready.last!)
        )
        reportDecoding(restarts)
    }

    private struct Restart {
        var ready: Double
        var firstUse: Double
        var decoded: Double
        var resident: Int
    }

    /// Time to ready, then time for the first timer pass (which decodes every channel's snapshot), and the memory
    /// held once everything is decoded.
    private func measureRestart(_ folder: URL) async throws -> Restart {
        let residentBefore = Stopwatch.currentResidentBytes()
        var service: IncidentService?
        let ready = try Stopwatch.seconds { service = try makeService(folder) }
        let restarted = service!
        let firstUse = await Stopwatch.secondsAsync { _ = await restarted.state(of: channel(channels / 2)) }
        let decoded = await Stopwatch.secondsAsync { _ = await restarted.fireDueTimers(now: restarted.clock.now()) }
        return Restart(ready: ready, firstUse: firstUse, decoded: decoded, resident: Stopwatch.currentResidentBytes() - residentBefore)
    }

    private func reportDecoding(_ restarts: [Restart]) {
        let decoded = restarts.map(\.decoded).sorted()[restarts.count / 2]
        let firstUse = restarts.map(\.firstUse).sorted()[restarts.count / 2]
        report(
            "start-up: first use of a channel",
            String(format: "%.2f ms", firstUse * 1000),
            "still in its snapshot: decoding its ten incidents, right after ready"
        )
        // Only the first restart starts from an empty heap; later ones reuse what the one before freed.
        let resident = restarts[0].resident
        report(
            "start-up: every snapshot decoded",
            String(format: "%.2f s", decoded),
            "after ready, by the first timer pass, while commands are served (a command decodes its own channel first)"
        )
        report("start-up: memory, all decoded", "\(resident >> 20) MiB", "target ≤ 200 MB; after a restart from snapshots")
    }

    private func channel(_ number: Int) -> ChannelRef {
        ChannelRef(platform: .slack, workspace: "T0BENCH", channel: "C\(number)")
    }

    private func makeService(_ folder: URL) throws -> IncidentService {
        let clock = ManualWallClock(start.addingTimeInterval(Double(eventsPerChannel) + 3600))
        return try IncidentService(configuration: FirebellConfiguration(dataDirectory: folder), clock: clock, logger: quietLogger())
    }

    /// Writes every channel's log: whole incidents of ten events each.
    private func writeLogs(into folder: URL) throws -> Int {
        let layout = DataLayout(root: folder)
        let codec = EventCodec()
        let events = Benchmarks.incidentEvents(at: start)
        var total = 0
        var incident = 0
        for channel in 0..<channels {
            let url = layout.logFile(for: self.channel(channel))
            if channel == 0 { try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true) }
            var lines = Data()
            for sequence in 1...eventsPerChannel {
                if (sequence - 1) % events.count == 0 { incident += 1 }
                let record = EventRecord(
                    sequence: sequence,
                    at: start.addingTimeInterval(Double(sequence)),
                    actor: UserRef("carol"),
                    incident: IncidentID(year: 2026, sequence: incident),
                    event: events[(sequence - 1) % events.count]
                )
                lines.append(try codec.line(for: record))
            }
            try lines.write(to: url)
            total += lines.count
        }
        return total
    }
}
