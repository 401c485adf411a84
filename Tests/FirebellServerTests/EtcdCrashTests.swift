import AsyncHTTPClient
import EtcdStore
import Foundation
import IncidentKit
import IncidentStore
import NIOCore
import Testing

@testable import FirebellServer

#if canImport(Glibc)
import Glibc
#endif

/// Two `firebell serve` processes on a real three-member etcd, behind one Slack stand-in, taking signed commands
/// spread over both, while the leader is killed with SIGKILL at random moments (and started again), and once an
/// etcd member: no answered command may be missing, no incident declared twice, no id repeated, no post missing or
/// doubled (the leader delivers every replica's posts, and the next leader what the last did not settle); a new
/// leader after each kill with nobody restarting anything. The time that takes is printed, not asserted: it is a
/// speed, measured by the benchmark on a quiet machine (Benchmark.md, "leader failover"), and on a loaded CI machine
/// a lease can outlive its TTL (etcd extends every lease when its own leader changes).
@Suite(
    "firebell serve on etcd, killed",
    .timeLimit(.minutes(4)),
    .enabled(if: EtcdCluster.binary != nil || EtcdCluster.required, "needs etcd (apt-get install etcd-server etcd-client); .ci/run installs it")
)
struct EtcdCrashTests {
    static let channels = 16
    static let rounds = 10
    static let leaseTTL = 2

    struct Replica {
        var server: ServeCrashTests.Server
        let folder: URL
    }

    static func start(_ folder: URL, cluster: EtcdCluster, slackPort: Int, http: HTTPClient) async throws -> ServeCrashTests.Server {
        let port = try freeLoopbackPort()
        let environment = [
            "HOME": folder.path, "PATH": "/usr/bin:/bin", "SLACK_SIGNING_SECRET": SlackServeTests.secret,
            "SLACK_BOT_TOKEN": "xoxb-crash", "SLACK_API_URL": "http://127.0.0.1:\(slackPort)/api/", "FIREBELL_WAR_ROOM_SEVERITIES": "none",
            "FIREBELL_HTTP_HOST": "127.0.0.1", "FIREBELL_HTTP_PORT": "\(port)", "FIREBELL_LOG_LEVEL": "error",
            "FIREBELL_STORE": "etcd", "FIREBELL_ETCD_ENDPOINTS": cluster.endpoints.joined(separator: ","), "FIREBELL_ETCD_PREFIX": "/crash/",
            "FIREBELL_ETCD_LEASE_TTL": "\(leaseTTL)s", "FIREBELL_REPLICA": folder.lastPathComponent,
            // Reminders every few seconds of silence, at any hour, so some fall due across the kills.
            "FIREBELL_SEVERITIES_SEV3_UPDATE_EVERY": "3s", "FIREBELL_SEVERITIES_SEV3_RESPOND_IN": "always",
        ]
        let child = try ChildProcess(
            CrashRecoveryTests.binary,
            arguments: ["serve", "--data", folder.path],
            environment: environment,
            limit: 240
        )
        try await eventually("firebell serve answers /healthz") {
            try await http.execute(HTTPClientRequest(url: "http://127.0.0.1:\(port)/healthz"), timeout: .seconds(1)).status == .ok
        }
        return ServeCrashTests.Server(child: child, port: port)
    }

    static func leads(_ port: Int, http: HTTPClient) async -> Bool {
        guard let response = try? await http.execute(HTTPClientRequest(url: "http://127.0.0.1:\(port)/metrics"), timeout: .seconds(1)),
            let body = try? await response.body.collect(upTo: 1 << 20)
        else { return false }
        return String(buffer: body).contains("firebell_leader 1")
    }

    /// What a channel's log says it must show: Initial Alerts, Status Updates (the IC's and holding ones), reminders.
    static func posts(in records: [EventRecord]) -> Int {
        records.filter { record in
            switch record.event {
            case .declared, .updatePosted, .holdingUpdatePosted, .reminderSent: true
            default: false
            }
        }.count
    }

    /// The same, as the channel shows it.
    static func posts(shown: [String]) -> Int {
        shown.filter { $0.contains("Initial Alert") || $0.contains("Status Update") || isReminder($0) }.count
    }

    static func isReminder(_ text: String) -> Bool {
        !text.contains("Status Update:") && ["⏰", "👤", "⌛", "🚨", "📋", "📝"].contains(String(text.prefix(1)))
    }

    @Test func killingTheLeaderReplicaAtRandomMomentsLosesNoAnsweredCommand() async throws {
        let cluster = try await EtcdCluster(size: 3, limit: 400)
        defer { cluster.stopAll() }
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let standIn = SlackStandIn()
        var generator = SeededGenerator(seed: UInt64(Date().timeIntervalSince1970))
        let seed = generator.seed
        let lifetimes = (0..<Self.rounds).map { _ in Duration.milliseconds(Int.random(in: 400...1000, using: &generator)) }
        let schedule = lifetimes.map { lifetime in
            (0..<Self.channels).map { _ in (0..<2).map { _ in lifetime * Double.random(in: 0.2...1.05, using: &generator) }.sorted() }
        }
        try await standIn.application().test(.live) { standInClient in
            try await withHTTPClient { http in
                let slack = standInClient.port!
                var replicas = try await [
                    Replica(
                        server: Self.start(folder.url.appendingPathComponent("a"), cluster: cluster, slackPort: slack, http: http),
                        folder: folder.url.appendingPathComponent("a")
                    ),
                    Replica(
                        server: Self.start(folder.url.appendingPathComponent("b"), cluster: cluster, slackPort: slack, http: http),
                        folder: folder.url.appendingPathComponent("b")
                    ),
                ]
                var channels = [ServeCrashTests.Channel](repeating: .init(), count: Self.channels)
                var failovers: [Duration] = []
                for round in 0..<Self.rounds {
                    try await eventually("a replica leads", within: .seconds(15)) {
                        var leaders = 0
                        for replica in replicas where await Self.leads(replica.server.port, http: http) { leaders += 1 }
                        return leaders == 1
                    }
                    var leader = 0
                    for (index, replica) in replicas.enumerated() where await Self.leads(replica.server.port, http: http) { leader = index }
                    let lifetime = lifetimes[round]
                    let moments = schedule[round]
                    // Each channel's responders talk to one replica, half of them to the one about to die.
                    let known = channels
                    let ports = replicas.map(\.server.port)
                    let started = ContinuousClock.now
                    let streaming = Task {
                        await withTaskGroup(of: (Int, ServeCrashTests.Channel).self) { group in
                            for index in 0..<Self.channels {
                                group.addTask {
                                    let channel = await ServeCrashTests.type(
                                        round: round,
                                        index: index,
                                        known[index],
                                        to: ports[index % 2],
                                        http: http,
                                        from: started,
                                        at: moments[index]
                                    )
                                    return (index, channel)
                                }
                            }
                            var updated = known
                            for await (index, channel) in group { updated[index] = channel }
                            return updated
                        }
                    }
                    try await Task.sleep(until: started + lifetime)
                    await replicas[leader].server.child.stopped(with: SIGKILL)
                    let killed = ContinuousClock.now
                    let survivor = 1 - leader
                    try await eventually("the survivor leads without a restart", within: .seconds(15)) {
                        await Self.leads(ports[survivor], http: http)
                    }
                    failovers.append(ContinuousClock.now - killed)
                    // Once, an etcd member too, while commands are still arriving at the survivor.
                    if round == Self.rounds / 2 { await cluster.kill(2) }
                    channels = await streaming.value
                    if round == Self.rounds / 2 { try await cluster.restart(2) }
                    replicas[leader].server = try await Self.start(replicas[leader].folder, cluster: cluster, slackPort: slack, http: http)
                }
                // Reminders off, so the logs stop growing; then the leader delivers what they still owe (one post a
                // second per channel): wait until every logged Initial Alert, Status Update and reminder is shown.
                for index in 0..<Self.channels {
                    _ = try? await ServeCrashTests.send("remind off", channel: "C\(index)", port: replicas[0].server.port, http: http)
                }
                let client = EtcdClient(endpoints: cluster.endpoints, httpClient: http)
                let drainStarted = ContinuousClock.now
                var behind: [String] = []
                repeat {
                    behind = []
                    for (channel, lines) in try await EtcdEventStore.rawLogs(client: client, keys: EtcdKeys(prefix: "/crash/")) {
                        let records = lines.compactMap { try? EventCodec().record(from: $0) }
                        let shown = await standIn.shown(in: channel.channel)
                        let owed = Self.posts(in: records)
                        let made = Self.posts(shown: shown)
                        if made < owed { behind.append("\(channel.channel) \(made)/\(owed)") }
                    }
                    if !behind.isEmpty { try await Task.sleep(for: .milliseconds(500)) }
                } while !behind.isEmpty && ContinuousClock.now - drainStarted < .seconds(120)
                print("etcd crash test: drained in \(ContinuousClock.now - drainStarted); behind: \(behind.prefix(8))")
                for replica in replicas { await replica.server.child.stopped(with: SIGKILL) }
                let loaded = try await EtcdEventStore.open(client: client, keys: EtcdKeys(prefix: "/crash/")).loaded
                var lost = 0
                var answered = 0
                var doubled = 0
                var missing = 0
                var reminders = 0
                var remindersDoubled = 0
                var reminderPostsOff = 0
                var ids: [IncidentID] = []
                for (index, responders) in channels.enumerated() {
                    let channel = ChannelRef(platform: .slack, workspace: "T0TEAM", channel: "C\(index)")
                    guard case .replayed(let state) = loaded.channels[channel] else {
                        Issue.record("C\(index) has no log (seed \(seed))")
                        continue
                    }
                    let records =
                        try await EtcdEventStore.rawLogs(client: client, keys: EtcdKeys(prefix: "/crash/"))
                        .first { $0.channel == channel }?.lines.compactMap { try? EventCodec().record(from: $0) } ?? []
                    #expect(records.map(\.sequence) == Array(1..<(records.count + 1)), "no gap, no double in C\(index)")
                    #expect(state.incidents.count == 1, "one incident in C\(index), however often its declare was retyped (seed \(seed))")
                    ids += records.compactMap { if case .declared = $0.event { $0.incident } else { nil } }
                    let updates = records.compactMap { if case .updatePosted(let text, _, _) = $0.event { text } else { nil } }
                    answered += responders.answeredUpdates.count
                    lost += responders.answeredUpdates.filter { !updates.contains($0) }.count
                    let shown = await standIn.shown(in: "C\(index)")
                    for update in updates {
                        let copies = shown.filter { $0.contains("Status Update") && $0.contains(update) }.count
                        if copies > 1 { doubled += copies - 1 }
                        if copies == 0 { missing += 1 }
                    }
                    let alerts = shown.filter { $0.contains("Initial Alert") }.count
                    if alerts > 1 { doubled += alerts - 1 }
                    if alerts == 0 { missing += 1 }
                    // Each reminder is recorded once (firing is a transaction) and posted once, whoever led.
                    let fired = records.compactMap { record -> String? in
                        if case .reminderSent(let kind, let due) = record.event {
                            "\(record.incident?.description ?? "") \(kind) \(due)"
                        } else {
                            nil
                        }
                    }
                    reminders += fired.count
                    remindersDoubled += fired.count - Set(fired).count
                    let reminderPosts = shown.filter(Self.isReminder).count
                    reminderPostsOff += abs(reminderPosts - fired.count)
                }
                let sorted = failovers.sorted()
                print(
                    "etcd crash test (seed \(seed)): \(Self.rounds) leader kills and one etcd member, \(answered) updates answered, \(lost) lost, "
                        + "\(doubled) posts doubled, \(missing) posts missing, \(reminders) reminders (\(remindersDoubled) doubled, \(reminderPostsOff) posts off); new leader after a kill: p50 \(sorted[sorted.count / 2]), max \(sorted.last!)"
                )
                #expect(lost == 0, "every answered command is in its log (seed \(seed))")
                #expect(doubled == 0, "no post made twice (seed \(seed))")
                #expect(missing == 0, "every logged Initial Alert and Status Update reached its channel (seed \(seed))")
                #expect(remindersDoubled == 0 && reminderPostsOff == 0, "every reminder recorded once and posted once (seed \(seed))")
                #expect(Set(ids).count == ids.count, "no incident id repeats")
                #expect(answered > Self.channels * Self.rounds / 2, "the stream really ran")
            }
        }
    }
}
