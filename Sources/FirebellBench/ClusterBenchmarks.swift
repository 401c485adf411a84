import AsyncHTTPClient
import EtcdStore
import FirebellServer
import FirebellTestSupport
import Foundation
import IncidentKit
import IncidentStore
import Platforms
import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// Firebell on a real three-member etcd (Debian's `etcd-server`, on loopback, started by the benchmark) beside the
/// data folder in the same run: durable commands/s at saturation, p99 at a fixed rate, the leader's failover time
/// after `kill -9`, and what an event costs in etcd's database.
struct ClusterBenchmarks {
    let runs: Int
    let directory: URL
    let report: (String, String, String) -> Void

    static let channels = 100
    static let commands = 5_000
    static let inFlight = 64
    static let rate = 500
    static let rateSeconds = 4
    static let leaseTTL = 3

    func run() async throws {
        guard EtcdCluster.binary != nil else { throw BenchmarkError("needs etcd: apt-get install etcd-server etcd-client") }
        var throughput: [(etcd: Double, files: Double)] = []
        var p99: [(etcd: Double, files: Double)] = []
        var failovers: [Double] = []
        var bytesPerEvent: [Double] = []
        let http = HTTPClient(eventLoopGroupProvider: .singleton, configuration: EtcdClient.httpConfiguration)
        for run in 1...runs {
            let cluster = try await EtcdCluster(size: 3, limit: 600)
            defer { cluster.stopAll() }
            let folder = directory.appendingPathComponent("cluster-\(run)")
            try? FileManager.default.removeItem(at: folder)
            let etcd = try await service(etcd: cluster, http: http, folder: folder.appendingPathComponent("e"))
            let files = try IncidentService(
                configuration: FirebellConfiguration(dataDirectory: folder.appendingPathComponent("f")),
                logger: quietLogger()
            )
            let rateEtcd = await saturate(etcd)
            let rateFiles = await saturate(files)
            throughput.append((rateEtcd, rateFiles))
            p99.append((await latencyAtRate(etcd), await latencyAtRate(files)))
            if let size = databaseSize(cluster) {
                bytesPerEvent.append(Double(size) / Double(Self.commands + Self.channels + Self.rate * Self.rateSeconds))
            }
            failovers += try await failoverTimes(cluster, http: http, kills: 3)
            try? FileManager.default.removeItem(at: folder)
            print("run \(run): etcd \(Int(rateEtcd))/s, files \(Int(rateFiles))/s; p99 \(p99.last!); failovers \(failovers.suffix(3))")
        }
        try await http.shutdown()
        func summary(_ values: [Double], _ format: String) -> String {
            let sorted = values.sorted()
            return String(format: format, Stopwatch.percentile(sorted, 50)) + " (" + String(format: format, sorted.first ?? .nan) + "–"
                + String(format: format, sorted.last ?? .nan) + ")"
        }
        report(
            "durable commands/s on etcd (3 members)",
            summary(throughput.map(\.etcd), "%.0f/s"),
            "median (min–max) of \(runs) runs; \(Self.channels) channels, \(Self.inFlight) in flight"
        )
        report("durable commands/s on the data folder, same runs", summary(throughput.map(\.files), "%.0f/s"), "")
        report("etcd ÷ data folder", summary(throughput.map { $0.etcd / $0.files }, "%.2f"), "ratio in the same run")
        report("p99 at \(Self.rate)/s on etcd", summary(p99.map(\.etcd), "%.2f ms"), "open loop, \(Self.channels) channels")
        report("p99 at \(Self.rate)/s on the data folder", summary(p99.map(\.files), "%.2f ms"), "same runs")
        report(
            "leader failover after kill -9 (lease TTL \(Self.leaseTTL) s)",
            "p50 " + String(format: "%.2f s", Stopwatch.percentile(failovers, 50)) + ", max " + String(format: "%.2f s", failovers.max() ?? .nan),
            "\(failovers.count) kills; target ≤ TTL + 2 s"
        )
        if !bytesPerEvent.isEmpty {
            report("etcd database bytes per event", summary(bytesPerEvent, "%.0f"), "dbSize ÷ events written (a note or declare)")
        }
    }

    private func service(etcd cluster: EtcdCluster, http: HTTPClient, folder: URL) async throws -> IncidentService {
        let opened = try await EtcdEventStore.open(
            client: EtcdClient(endpoints: cluster.endpoints, httpClient: http),
            keys: EtcdKeys(prefix: "/bench/")
        )
        return try IncidentService(configuration: FirebellConfiguration(dataDirectory: folder), logger: quietLogger(), store: opened)
    }

    private static func channel(_ index: Int) -> ChannelRef {
        ChannelRef(platform: .console, workspace: "bench", channel: "c\(index % Self.channels)")
    }

    private static func command(_ service: IncidentService, _ index: Int, _ text: String) async -> Bool {
        let input = ChannelInput.command(InboundCommand(channel: channel(index), actor: UserRef("carol"), arguments: text))
        return (try? await service.transact(input))?.result == .accepted
    }

    /// Declares an incident in every channel, then sends notes with a fixed number in flight; returns notes/s.
    private func saturate(_ service: IncidentService) async -> Double {
        for index in 0..<Self.channels { _ = await Self.command(service, index, "declare sev3 Bench \(index)") }
        var accepted = 0
        let elapsed = await Stopwatch.secondsAsync {
            accepted = await withTaskGroup(of: Bool.self) { group in
                var accepted = 0
                for index in 0..<Self.commands {
                    if index >= Self.inFlight, await group.next() == true { accepted += 1 }
                    group.addTask { await Self.command(service, index, "note load \(index)") }
                }
                for await ok in group where ok { accepted += 1 }
                return accepted
            }
        }
        return Double(accepted) / elapsed
    }

    /// Sends notes at `rate` per second (open loop) and returns the p99 latency in milliseconds.
    private func latencyAtRate(_ service: IncidentService) async -> Double {
        let total = Self.rate * Self.rateSeconds
        let interval = Duration.seconds(1) / Self.rate
        let start = ContinuousClock.now
        let latencies = await withTaskGroup(of: Double.self) { group in
            for index in 0..<total {
                try? await Task.sleep(until: start + interval * index)
                group.addTask {
                    let sent = ContinuousClock.now
                    _ = await Self.command(service, index, "note rate \(index)")
                    return (ContinuousClock.now - sent) / .milliseconds(1)
                }
            }
            return await group.reduce(into: [Double]()) { $0.append($1) }
        }
        return Stopwatch.percentile(latencies, 99)
    }

    /// etcd's database size on its first member (`etcdctl endpoint status`).
    private func databaseSize(_ cluster: EtcdCluster) -> Int? {
        guard let control = EtcdCluster.control,
            let spawned = try? Spawn(control, ["--endpoints", cluster.endpoints[0], "endpoint", "status", "-w", "json"], captureOutput: true)
        else { return nil }
        let (output, _) = spawned.finish()
        guard let data = output.data(using: .utf8),
            let list = try? JSONSerialization.jsonObject(with: data) as? [[String: Any]],
            let status = list.first?["Status"] as? [String: Any]
        else { return nil }
        return (status["dbSize"] as? Int) ?? (status["dbSize"] as? NSNumber)?.intValue
    }

    /// A candidate in a child process leads; it is killed with SIGKILL and the time until this process's candidate
    /// leads is measured, `kills` times.
    private func failoverTimes(_ cluster: EtcdCluster, http: HTTPClient, kills: Int) async throws -> [Double] {
        var times: [Double] = []
        let keys = EtcdKeys(prefix: "/bench-election/")
        for _ in 0..<kills {
            let child = try Spawn(
                CommandLine.arguments[0],
                ["--only", "candidate", "--endpoints", cluster.endpoints.joined(separator: ","), "--ttl", "\(Self.leaseTTL)"],
                captureOutput: true
            )
            // The child says "leader" once elected (it is the only candidate then).
            guard await child.line() == "leader" else { throw BenchmarkError("the candidate process did not lead") }
            let leads = Mutex<ContinuousClock.Instant?>(nil)
            let election = EtcdElection(
                client: EtcdClient(endpoints: cluster.endpoints, httpClient: http),
                keys: keys,
                ttl: Self.leaseTTL,
                identity: "bench"
            )
            let candidate = Task { await election.run { if $0 { leads.withLock { $0 = ContinuousClock.now } } } }
            try await Task.sleep(for: .milliseconds(500))
            let killed = ContinuousClock.now
            kill(child.pid, SIGKILL)
            _ = await child.finished()
            while leads.withLock({ $0 }) == nil, ContinuousClock.now - killed < .seconds(30) { try await Task.sleep(for: .milliseconds(20)) }
            guard let elected = leads.withLock({ $0 }) else { throw BenchmarkError("no new leader within 30 s") }
            times.append((elected - killed) / .seconds(1))
            candidate.cancel()
            await candidate.value
        }
        return times
    }

    /// `--only candidate`: campaigns, prints "leader" when elected, and leads until killed.
    static func candidate(endpoints: String, ttl: Int) async {
        let http = HTTPClient(eventLoopGroupProvider: .singleton)
        let election = EtcdElection(
            client: EtcdClient(endpoints: EtcdClient.endpoints(endpoints) ?? [], httpClient: http),
            keys: EtcdKeys(prefix: "/bench-election/"),
            ttl: ttl,
            identity: "child"
        )
        await election.run { leads in
            // Written straight to the descriptor: the parent reads it at once, with nothing buffered.
            if leads { _ = "leader\n".withCString { write(1, $0, 7) } }
        }
    }
}
