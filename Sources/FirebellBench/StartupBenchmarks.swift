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

    func run() async throws {
        let folder = directory.appendingPathComponent("startup")
        try? FileManager.default.removeItem(at: folder)
        let bytes = try writeLogs(into: folder)
        let logger = quietLogger()
        let residentBefore = Stopwatch.currentResidentBytes()
        var service: IncidentService?
        let elapsed = try Stopwatch.seconds {
            service = try IncidentService(configuration: FirebellConfiguration(dataDirectory: folder), logger: logger)
        }
        let resident = Stopwatch.currentResidentBytes() - residentBefore
        let events = channels * eventsPerChannel
        report("start-up: ready, replaying every log", String(format: "%.2f s", elapsed),
               "\(channels) channel logs, \(events) events, \(bytes >> 20) MiB on disk (first start, or no snapshots)")
        report("start-up: resident memory added", "\(resident >> 20) MiB", "target ≤ 200 MB; \(service!.channels.count) channels in memory")
        var written = 0
        let writing = await Stopwatch.seconds { written = await service!.writeSnapshots() }
        report("start-up: writing snapshots", String(format: "%.2f s", writing), "(\(written) channels, in the background after ready)")
        service = nil
        let fromSnapshots = try Stopwatch.seconds {
            service = try IncidentService(configuration: FirebellConfiguration(dataDirectory: folder), logger: logger)
        }
        report("start-up: ready, from snapshots", String(format: "%.2f s", fromSnapshots), "target ≤ 2 s; every log's snapshot valid (a restart)")
        service = nil
        try? FileManager.default.removeItem(at: folder)
    }

    /// Writes every channel's log: whole incidents of ten events each.
    private func writeLogs(into folder: URL) throws -> Int {
        let layout = DataLayout(root: folder)
        let codec = EventCodec()
        let start = Date(timeIntervalSince1970: 1_795_000_000)
        let events = Benchmarks.incidentEvents(at: start)
        var total = 0
        var incident = 0
        for channel in 0..<channels {
            let url = layout.logFile(for: ChannelRef(platform: "slack", workspace: "T0BENCH", channel: "C\(channel)"))
            if channel == 0 { try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true) }
            var lines = Data()
            for sequence in 1...eventsPerChannel {
                if (sequence - 1) % events.count == 0 { incident += 1 }
                let record = EventRecord(sequence: sequence, at: start.addingTimeInterval(Double(sequence)), actor: UserRef("carol"),
                                         incident: IncidentID(year: 2026, sequence: incident), event: events[(sequence - 1) % events.count])
                lines.append(try codec.line(for: record))
            }
            try lines.write(to: url)
            total += lines.count
        }
        return total
    }
}
