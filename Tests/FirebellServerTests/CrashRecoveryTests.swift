import Foundation
import IncidentKit
import IncidentStore
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// Runs the real `firebell console` binary, kills it with SIGKILL mid-session, and checks the log.
@Suite("Crash recovery", .timeLimit(.minutes(2)))
struct CrashRecoveryTests {
    /// The `firebell` executable next to the test bundle (SwiftPM builds both into the same folder).
    static var binary: URL {
        URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("firebell")
    }

    @Test func noAnsweredCommandIsLostToKill9() async throws {
        let binary = Self.binary
        try #require(FileManager.default.isExecutableFile(atPath: binary.path), "build the firebell executable first (swift build)")
        let folder = try TemporaryFolder()
        defer { folder.remove() }

        var answeredNotes: [String] = []
        for (round, killAfter) in [7, 53, 131].enumerated() {
            let lines =
                (round == 0 ? ["/incident declare sev1 Crash drill"] : [])
                + (1...200).map { "/incident note r\(round)-n\($0)" }
            let data = folder.url
            let seen = try await blocking {
                try Self.runAndKill(binary, data: data, input: lines, killAfterNotes: killAfter, marker: "noted: r\(round)-n")
            }
            #expect(seen.count >= killAfter)
            answeredNotes += seen
        }

        let channel = ChannelRef(platform: .console, workspace: "local", channel: "incident")
        let loaded = try DataFolder.load(DataLayout(root: folder.url))
        let records = try #require(loaded.channels[channel])
        #expect(loaded.channels.count == 1)
        #expect(records.map(\.sequence) == Array(1...records.count), "no gap, no half-written line left behind")
        let logged = records.compactMap { record -> String? in
            if case .notePosted(let text) = record.event { return text } else { return nil }
        }
        for note in answeredNotes {
            #expect(logged.contains(note), "answered but lost: \(note)")
        }
        let declared = records.filter { if case .declared = $0.event { true } else { false } }
        #expect(declared.count == 1)
    }

    /// Starts the console, feeds it `input`, and sends SIGKILL once `killAfterNotes` answers were printed.
    /// Returns the notes whose answers were read (each one is durable by contract). It blocks on the child's output,
    /// so it runs through `blocking`.
    private static func runAndKill(_ binary: URL, data: URL, input: [String], killAfterNotes: Int, marker: String) throws -> [String] {
        var environment = ProcessInfo.processInfo.environment
        environment["HOME"] = data.path
        environment["FIREBELL_WAR_ROOM_SEVERITIES"] = "none"
        let stdin = Pipe()
        let stdout = Pipe()
        let child = try ChildProcess(
            binary,
            arguments: ["console", "--data", data.path, "--user", "carol"],
            environment: environment,
            stdin: stdin,
            stdout: stdout,
            limit: 60
        )

        stdin.fileHandleForWriting.write(Data((input.joined(separator: "\n") + "\n").utf8))
        var buffer = ""
        var seen: [String] = []
        while seen.count < killAfterNotes {
            let chunk = stdout.fileHandleForReading.availableData
            if chunk.isEmpty { break }
            buffer += String(decoding: chunk, as: UTF8.self)
            seen = buffer.components(separatedBy: "\n").filter { $0.contains(marker) }.map { line in
                String(line[line.range(of: "noted: ")!.upperBound...])
            }
        }
        child.stop(with: SIGKILL)
        try? stdin.fileHandleForWriting.close()
        #expect(child.process.terminationReason == .uncaughtSignal, "the child was killed, not finished")
        return seen
    }
}
