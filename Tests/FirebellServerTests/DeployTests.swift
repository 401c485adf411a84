import Foundation
import Testing
import Yams

@testable import FirebellServer

@Suite("deploy/")
struct DeployTests {
    static let deploy = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("deploy")

    func text(_ path: String) throws -> String { try String(contentsOf: Self.deploy.appendingPathComponent(path), encoding: .utf8) }

    @Test func theDockerfileIsMultiStageNonRootWithAVolumeAndAHealthcheck() throws {
        let lines = try text("Dockerfile").split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }
        #expect(lines.filter { $0.hasPrefix("FROM ") }.count == 2, "a build stage and a slim runtime stage")
        let user = try #require(lines.last { $0.hasPrefix("USER ") })
        #expect(user != "USER root" && user != "USER 0")
        #expect(lines.contains("VOLUME [\"/data\"]"))
        #expect(lines.contains { $0.hasPrefix("HEALTHCHECK") && $0.contains("/healthz") })
        #expect(lines.contains("ENTRYPOINT [\"/usr/local/bin/firebell\"]"))
        // Every variable the image sets is one Firebell reads.
        let env = try #require(lines.first { $0.hasPrefix("ENV ") })
        let pairs = env.dropFirst(4).split(separator: " ").map { $0.split(separator: "=", maxSplits: 1).map(String.init) }
        let environment = Dictionary(uniqueKeysWithValues: pairs.map { ($0[0], $0[1]) })
        #expect(Set(environment.keys) == ["FIREBELL_DATA_DIR", "FIREBELL_HTTP_HOST", "FIREBELL_HTTP_PORT"])
        let configuration = try ConfigurationLoader(environment: environment).load(file: nil)
        let settings = try ServeSettings(configuration: configuration, environment: environment)
        #expect(configuration.dataDirectory.path == "/data" && settings.host == "0.0.0.0" && settings.port == 8080)
    }

    @Test func theSystemdUnitIsHardenedAndVerifies() async throws {
        let unit = try text("systemd/firebell.service")
        for directive in [
            "DynamicUser=yes", "StateDirectory=firebell", "ProtectSystem=strict", "Restart=on-failure",
            "NoNewPrivileges=yes", "KillSignal=SIGTERM", "LimitNOFILE=65536",
        ] {
            #expect(unit.contains(directive + "\n"), "\(directive)")
        }
        let analyzer = URL(fileURLWithPath: "/usr/bin/systemd-analyze")
        guard FileManager.default.isExecutableFile(atPath: analyzer.path) else { return }
        // Verify a copy whose ExecStart names the binary this build produced, so the check can resolve it.
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let copy = folder.url.appendingPathComponent("firebell.service")
        try unit.replacingOccurrences(of: "/usr/local/bin/firebell", with: CrashRecoveryTests.binary.path).write(
            to: copy,
            atomically: true,
            encoding: .utf8
        )
        let (status, report) = try await blocking {
            let process = Process()
            process.executableURL = analyzer
            process.arguments = ["verify", copy.path]
            let output = Pipe()
            process.standardOutput = output
            process.standardError = output
            try process.run()
            let report = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
            process.waitUntilExit()
            return (process.terminationStatus, report)
        }
        let aboutOurUnit = report.split(separator: "\n").filter { $0.contains("firebell.service") }
        #expect(status == 0 && aboutOurUnit.isEmpty, "systemd-analyze verify: \(report)")
    }

    @Test func theKubernetesManifestsRunOneReplicaWithAVolumeProbesAndSecrets() throws {
        var kinds: [String: [String: Any]] = [:]
        for document in try Yams.load_all(yaml: text("kubernetes/firebell.yaml")) {
            let object = try #require(document as? [String: Any])
            kinds[try #require(object["kind"] as? String)] = object
        }
        #expect(Set(kinds.keys) == ["ConfigMap", "Service", "StatefulSet"])
        let spec = try #require(kinds["StatefulSet"]?["spec"] as? [String: Any])
        #expect(spec["replicas"] as? Int == 1, "one writer per data folder")
        #expect((spec["volumeClaimTemplates"] as? [Any])?.count == 1)
        let pod = try #require((spec["template"] as? [String: Any])?["spec"] as? [String: Any])
        let container = try #require((pod["containers"] as? [[String: Any]])?.first)
        #expect(((container["livenessProbe"] as? [String: Any])?["httpGet"] as? [String: Any])?["path"] as? String == "/healthz")
        #expect(((container["readinessProbe"] as? [String: Any])?["httpGet"] as? [String: Any])?["path"] as? String == "/readyz")
        #expect((container["resources"] as? [String: Any])?["requests"] != nil)
        #expect(((container["envFrom"] as? [[String: Any]])?.first?["secretRef"] as? [String: Any])?["name"] as? String == "firebell-secrets")

        // The ConfigMap's file is a configuration Firebell accepts.
        let file = try #require((kinds["ConfigMap"]?["data"] as? [String: Any])?["firebell.yaml"] as? String)
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let url = folder.url.appendingPathComponent("firebell.yaml")
        try file.write(to: url, atomically: true, encoding: .utf8)
        let configuration = try ConfigurationLoader(environment: [:]).load(file: url)
        #expect(configuration.dataDirectory.path == "/data" && configuration.httpPort == 8080)
    }

    @Test func theClusterManifestsRunThreeReplicasOnAThreeMemberEtcdWithDisruptionBudgets() throws {
        var objects: [String: [String: Any]] = [:]
        for document in try Yams.load_all(yaml: text("kubernetes/firebell-cluster.yaml")) {
            let object = try #require(document as? [String: Any])
            let name = try #require((object["metadata"] as? [String: Any])?["name"] as? String)
            objects["\(try #require(object["kind"] as? String))/\(name)"] = object
        }
        #expect(
            Set(objects.keys) == [
                "ConfigMap/firebell-config", "Service/firebell", "Deployment/firebell", "PodDisruptionBudget/firebell", "Service/etcd",
                "StatefulSet/etcd", "PodDisruptionBudget/etcd",
            ]
        )
        let replicas = try #require(objects["Deployment/firebell"]?["spec"] as? [String: Any])
        #expect(replicas["replicas"] as? Int == 3)
        #expect((objects["PodDisruptionBudget/firebell"]?["spec"] as? [String: Any])?["minAvailable"] as? Int == 2)
        let etcd = try #require(objects["StatefulSet/etcd"]?["spec"] as? [String: Any])
        #expect(etcd["replicas"] as? Int == 3)
        let member = try #require(((etcd["template"] as? [String: Any])?["spec"] as? [String: Any])?["containers"] as? [[String: Any]])
        let flags = try #require(member.first?["command"] as? [String])
        #expect(flags.contains { $0.hasPrefix("--quota-backend-bytes=") } && flags.contains("--auto-compaction-mode=revision"))

        // The ConfigMap's file puts Firebell on the three members.
        let file = try #require((objects["ConfigMap/firebell-config"]?["data"] as? [String: Any])?["firebell.yaml"] as? String)
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let url = folder.url.appendingPathComponent("firebell.yaml")
        try file.write(to: url, atomically: true, encoding: .utf8)
        let configuration = try ConfigurationLoader(environment: [:]).load(file: url)
        #expect(configuration.store.kind == .etcd && configuration.store.etcdEndpoints.count == 3)
        #expect(configuration.store.leaseTTL == 10)
    }
}
