import FirebellServer
import Foundation
import IncidentKit
import IncidentStore
import Logging

/// Durable commands per second through the service (parse → engine → append + fsync → answer), many channels
/// in parallel: the figure group commit exists for.
struct ThroughputBenchmarks {
    let channels: Int
    let commands: Int
    let inFlight: Int
    let directory: URL
    let report: (String, String, String) -> Void

    func run() async throws {
        let folder = directory.appendingPathComponent("throughput")
        try? FileManager.default.removeItem(at: folder)
        let logger = quietLogger()
        let service = try IncidentService(configuration: FirebellConfiguration(dataDirectory: folder), logger: logger)
        let channels = (0..<channels).map { ChannelRef(platform: .console, workspace: "bench", channel: "c\($0)") }
        _ = await send(service, count: channels.count, channels: channels) { "declare sev3 Throughput \($0)" }
        var accepted = 0
        let syncsBefore = SyncCounter.syncs(under: folder.path)
        let elapsed = await Stopwatch.secondsAsync {
            accepted = await send(service, count: commands, channels: channels) { "note load \($0)" }
        }
        let syncs = SyncCounter.syncs(under: folder.path) - syncsBefore
        let (groups, files) = service.commitStatistics
        report(
            "durable commands/s",
            "\(Int(Double(accepted) / elapsed)) commands/s",
            "target ≥ 5,000/s; \(channels.count) channels, \(inFlight) in flight, \(accepted) of \(commands) accepted"
        )
        report(
            "group commit: appends per sync",
            String(format: "%.1f", Stopwatch.appendsPerSync((groups, files))),
            "(\(groups) syncs for \(files) appends)"
        )
        report(
            "syncs per durable command",
            String(format: "%.3f", Double(syncs) / Double(max(accepted, 1))),
            "(\(syncs) fsync/syncfs for \(accepted) commands; a lone command costs 1, a declare with an audience 1)"
        )
        try? FileManager.default.removeItem(at: folder)
    }

    /// Sends `count` commands round-robin over the channels with `inFlight` outstanding; returns how many were accepted.
    private func send(_ service: IncidentService, count: Int, channels: [ChannelRef], text: @escaping @Sendable (Int) -> String) async -> Int {
        await withTaskGroup(of: Bool.self) { group in
            var accepted = 0
            for index in 0..<count {
                if index >= inFlight, await group.next() == true { accepted += 1 }
                let channel = channels[index % channels.count]
                group.addTask {
                    (try? await service.transact(.command(InboundCommand(channel: channel, actor: UserRef("carol"), arguments: text(index)))))?.result
                        == .accepted
                }
            }
            for await ok in group where ok { accepted += 1 }
            return accepted
        }
    }
}
