import Foundation
import Hummingbird
import HummingbirdTesting
import IncidentKit
import IncidentStore
import NIOCore
import Testing

@testable import FirebellServer

/// The disk refuses writes under a running service: commands are answered with a clear error, nothing is acknowledged
/// that is not durable, and the service recovers when the disk does. Uses a real full filesystem (a small tmpfs mounted
/// for the test) and a real read-only file (the immutable attribute), so both need root; CI runs as root and requires them.
extension SlackServeTests {
    static let incidentChannel = ChannelRef(platform: .slack, workspace: "T0TEAM", channel: "C0INCIDENT")

    func command(_ client: any TestClientProtocol, _ text: String, channel: String = "C0INCIDENT") async throws -> String {
        let body = form(text, channel: channel)
        let response = try await client.execute(uri: "/slack/commands", method: .post, headers: signed(body), body: ByteBuffer(string: body))
        #expect(response.status == .ok, "a refused write is an answer for the responder, not an HTTP error")
        return try ephemeralText(response)
    }

    func logRecords(in folder: TemporaryFolder, _ channel: ChannelRef = incidentChannel) throws -> (records: [EventRecord], repairs: Int) {
        let loaded = try LogReader.recover(DataLayout(root: folder.url).logFile(for: channel))
        return (loaded.records, loaded.repairs.count)
    }

    @Test func aFullDiskRefusesCommandsClearlyAcknowledgesNothingAndRecoversWhenSpaceIsFreed() async throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        guard try Superuser.mountSmallDisk(at: folder.url, size: "4m", reason: "a full disk needs a small filesystem of its own") else { return }
        defer { Superuser.unmount(folder.url) }
        let standIn = SlackStandIn()
        try await standIn.application().test(.live) { standInClient in
            try await withFirebell(standInPort: standInClient.port!, folder: folder) { client, firebell in
                #expect(try await command(client, "declare sev2 Checkout returns 500s").hasPrefix("✓"))
                let filler = folder.url.appendingPathComponent("filler")
                try Superuser.fill(filler)
                let before = try logRecords(in: folder).records.count

                // Appends that fit in the log's last allocated page still succeed on a full disk; the first that needs
                // a new block is refused, and so is everything after it, until space is freed.
                var answers: [(note: String, answer: String)] = []
                for number in 1...40 {
                    answers.append(("Full disk note \(number)", try await command(client, "note Full disk note \(number)")))
                }
                let accepted = answers.filter { $0.answer.hasPrefix("✓") }.map(\.note)
                let refused = answers.filter { !$0.answer.hasPrefix("✓") }
                #expect(!refused.isEmpty && refused.allSatisfy { $0.answer.hasPrefix("✗ Not saved, nothing changed") })
                #expect(
                    refused.first?.answer.contains("No space left on device") == true
                        && refused.first?.answer.contains("disk full or read-only") == true,
                    "\(refused.first?.answer ?? "")"
                )
                #expect(answers.drop { $0.answer.hasPrefix("✓") }.allSatisfy { !$0.answer.hasPrefix("✓") }, "once full, it stays refused")
                let elsewhere = try await command(client, "declare sev3 Search is slow", channel: "C0OTHER")
                #expect(elsewhere.hasPrefix("✗ Not saved"), "a new channel's log cannot be created either: \(elsewhere)")

                let whileFull = try logRecords(in: folder)
                let notes = whileFull.records.compactMap { record -> String? in if case .notePosted(let text) = record.event { text } else { nil } }
                #expect(whileFull.repairs == 0 && notes == accepted, "every acknowledged note is in the log, and nothing else")
                #expect(
                    await firebell.service.state(of: Self.incidentChannel) == ChannelState(replaying: whileFull.records),
                    "memory matches the disk"
                )

                try FileManager.default.removeItem(at: filler)
                for (note, _) in refused { #expect(try await command(client, "note \(note)").hasPrefix("✓")) }
                #expect(try await command(client, "declare sev3 Search is slow", channel: "C0OTHER").hasPrefix("✓"))
                let after = try logRecords(in: folder)
                #expect(after.repairs == 0 && after.records.count == before + answers.count)
                #expect(await firebell.outbox.flush(timeout: .seconds(30)))
            }
        }
        let posted = await standIn.posted.map { $0.json["text"] ?? "" }
        #expect(posted.contains { $0.contains("Search is slow") })
    }

    @Test func aReadOnlyLogRefusesCommandsAndTheServiceRecoversWhenItIsWritableAgain() async throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let standIn = SlackStandIn()
        try await standIn.application().test(.live) { standInClient in
            try await withFirebell(standInPort: standInClient.port!, folder: folder) { client, firebell in
                #expect(try await command(client, "declare sev2 Checkout returns 500s").hasPrefix("✓"))
                let log = DataLayout(root: folder.url).logFile(for: Self.incidentChannel)
                guard try Superuser.setImmutable(log, true, reason: "a read-only file that root cannot write needs the immutable attribute") else {
                    return
                }
                defer { _ = try? Superuser.setImmutable(log, false, reason: "") }
                let before = try logRecords(in: folder).records
                #expect(await firebell.service.state(of: Self.incidentChannel) == ChannelState(replaying: before))

                let refused = try await command(client, "ack")
                #expect(refused.hasPrefix("✗ Not saved, nothing changed") && refused.contains("Operation not permitted"), "\(refused)")
                #expect(!refused.contains(folder.url.path), "the answer names no server path")
                #expect(try logRecords(in: folder).records == before)
                #expect(await firebell.service.state(of: Self.incidentChannel).activeIncident?.acknowledgedAt == nil)

                _ = try Superuser.setImmutable(log, false, reason: "")
                #expect(try await command(client, "ack").hasPrefix("✓"))
                #expect(try logRecords(in: folder).records.count == before.count + 1)
            }
        }
    }
}

/// What the disk-fault tests need root for, skipping with the reason where it is not available (and failing where
/// `FIREBELL_REQUIRE_DISK_FAULTS=1` says it must be).
enum Superuser {
    static func mountSmallDisk(at url: URL, size: String, reason: String) throws -> Bool {
        try available(run("/bin/mount", "-t", "tmpfs", "-o", "size=\(size),mode=0700", "tmpfs", url.path), reason: reason)
    }

    static func unmount(_ url: URL) {
        _ = try? run("/bin/umount", url.path)
    }

    static func setImmutable(_ url: URL, _ on: Bool, reason: String) throws -> Bool {
        try available(run("/usr/bin/chattr", on ? "+i" : "-i", url.path), reason: reason)
    }

    /// Writes zeros to `url` until the filesystem refuses (ENOSPC), so the next write anywhere on it fails.
    static func fill(_ url: URL) throws {
        guard FileManager.default.createFile(atPath: url.path, contents: nil) else { throw CocoaError(.fileWriteOutOfSpace) }
        let handle = try FileHandle(forWritingTo: url)
        defer { try? handle.close() }
        for chunk in [1 << 16, 1 << 10, 1] {
            let zeros = Data(count: chunk)
            while (try? handle.write(contentsOf: zeros)) != nil {}
        }
    }

    private static func available(_ succeeded: Bool, reason: String) throws -> Bool {
        if succeeded { return true }
        if ProcessInfo.processInfo.environment["FIREBELL_REQUIRE_DISK_FAULTS"] == "1" {
            Issue.record("FIREBELL_REQUIRE_DISK_FAULTS=1 but this needs root: \(reason)")
        } else {
            print("skipped: \(reason); run as root (or set FIREBELL_REQUIRE_DISK_FAULTS=1 to insist)")
        }
        return false
    }

    private static func run(_ tool: String, _ arguments: String...) throws -> Bool {
        guard FileManager.default.isExecutableFile(atPath: tool) else { return false }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: tool)
        process.arguments = arguments
        process.standardError = FileHandle.nullDevice
        try process.run()
        process.waitUntilExit()
        return process.terminationStatus == 0
    }
}
