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
    public init(size: Int = 1, limit: TimeInterval = 300) throws {
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
        try waitUntilHealthy()
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
    public func kill(_ index: Int) {
        members[index].process?.stop(with: SIGKILL)
        members[index].process = nil
    }

    /// Starts a killed member again, on its ports and data, and waits until the cluster answers.
    public func restart(_ index: Int) throws {
        guard let binary = Self.binary else { throw CancellationError() }
        try start(index, binary: binary)
        try waitUntilHealthy(members: [index])
    }

    /// Stops every member and removes their data.
    public func stopAll() {
        for index in members.indices { kill(index) }
        folder.remove()
    }

    /// Waits (at most 30 s) until each listed member says it is healthy: it has a leader and answers a read.
    public func waitUntilHealthy(members indexes: [Int]? = nil) throws {
        guard let control = Self.control else { return }
        let deadline = Date().addingTimeInterval(30)
        let chosen = (indexes ?? Array(members.indices)).map { endpoints[$0] }
        while Date() < deadline {
            let process = Process()
            process.executableURL = URL(fileURLWithPath: control)
            process.arguments = ["--endpoints", chosen.joined(separator: ","), "--command-timeout", "2s", "endpoint", "health"]
            process.environment = ["ETCDCTL_API": "3", "PATH": "/usr/bin:/bin"]
            process.standardOutput = FileHandle.nullDevice
            process.standardError = FileHandle.nullDevice
            try process.run()
            process.waitUntilExit()
            if process.terminationStatus == 0 { return }
            usleep(200_000)
        }
        throw CancellationError()
    }
}
