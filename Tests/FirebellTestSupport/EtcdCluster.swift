import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// A real etcd (Debian's `etcd-server`) of one or three members on loopback, each in its own temporary data folder,
/// started for a test and stopped by process id. Members can be killed and started again on the same ports and data.
public final class EtcdCluster: @unchecked Sendable {
    public static let binary: String? = ["/usr/bin/etcd", "/usr/local/bin/etcd"].first { FileManager.default.isExecutableFile(atPath: $0) }
    public static let control: String? = ["/usr/bin/etcdctl", "/usr/local/bin/etcdctl"].first { FileManager.default.isExecutableFile(atPath: $0) }
    /// Set by `.ci/run`, which installs etcd: its tests must run there, not skip.
    public static let required = ProcessInfo.processInfo.environment["FIREBELL_REQUIRE_ETCD"] == "1"

    struct Member {
        let name: String
        let clientPort: Int
        let peerPort: Int
        let dataDirectory: URL
        var process: ChildProcess?
    }

    private var members: [Member]
    private let folder: TemporaryFolder
    private let token = "firebell-test-\(UUID().uuidString.prefix(8))"
    /// The longest any member may live (a test that forgets to stop it cannot leave it behind).
    private let limit: TimeInterval

    /// The members' client URLs, `http://127.0.0.1:<port>`.
    public var endpoints: [String] { members.map { "http://127.0.0.1:\($0.clientPort)" } }

    /// Starts `size` members and waits until the cluster answers (at most 30 s).
    public init(size: Int = 1, limit: TimeInterval = 300) async throws {
        guard let binary = Self.binary else { throw CancellationError() }
        let folder = try TemporaryFolder()
        self.folder = folder
        self.limit = limit
        members = try (1...size).map { index in
            Member(
                name: "m\(index)",
                clientPort: try freeLoopbackPort(),
                peerPort: try freeLoopbackPort(),
                dataDirectory: folder.url.appendingPathComponent("m\(index)"),
                process: nil
            )
        }
        for index in members.indices { try start(index, binary: binary) }
        try await waitUntilHealthy()
    }

    deinit { stopAll() }

    private func start(_ index: Int, binary: String) throws {
        let member = members[index]
        let cluster = members.map { "\($0.name)=http://127.0.0.1:\($0.peerPort)" }.joined(separator: ",")
        members[index].process = try ChildProcess(
            URL(fileURLWithPath: binary),
            arguments: [
                "--name", member.name, "--data-dir", member.dataDirectory.path,
                "--listen-client-urls", "http://127.0.0.1:\(member.clientPort)",
                "--advertise-client-urls", "http://127.0.0.1:\(member.clientPort)",
                "--listen-peer-urls", "http://127.0.0.1:\(member.peerPort)",
                "--initial-advertise-peer-urls", "http://127.0.0.1:\(member.peerPort)",
                "--initial-cluster", cluster, "--initial-cluster-state", "new", "--initial-cluster-token", token,
                // Fast elections on loopback, so a lost member costs a test seconds, not minutes.
                "--heartbeat-interval", "50", "--election-timeout", "500",
            ],
            environment: ["PATH": "/usr/bin:/bin"],
            limit: limit
        )
    }

    /// Kills member `index` (SIGKILL) and waits for it to end.
    public func kill(_ index: Int) async {
        await members[index].process?.stopped(with: SIGKILL)
        members[index].process = nil
    }

    /// Starts a killed member again, on its ports and data, and waits until the cluster answers.
    public func restart(_ index: Int) async throws {
        guard let binary = Self.binary else { throw CancellationError() }
        try start(index, binary: binary)
        try await waitUntilHealthy(members: [index])
    }

    /// Stops every member (SIGKILL, which ends a process at once) and removes their data. Synchronous, for `defer`.
    public func stopAll() {
        for index in members.indices {
            members[index].process?.stop(with: SIGKILL)
            members[index].process = nil
        }
        folder.remove()
    }

    /// Waits (at most 30 s) until each listed member says it is healthy: it has a leader and answers a read.
    public func waitUntilHealthy(members indexes: [Int]? = nil) async throws {
        guard let control = Self.control else { return }
        let deadline = ContinuousClock.now + .seconds(30)
        let chosen = (indexes ?? Array(members.indices)).map { endpoints[$0] }
        while ContinuousClock.now < deadline {
            let (status, _) = await ChildProcess.output(
                URL(fileURLWithPath: control),
                arguments: ["--endpoints", chosen.joined(separator: ","), "--command-timeout", "2s", "endpoint", "health"],
                environment: ["ETCDCTL_API": "3", "PATH": "/usr/bin:/bin"],
                limit: 10
            )
            if status == 0 { return }
            try await Task.sleep(for: .milliseconds(200))
        }
        throw CancellationError()
    }
}
