import FirebellTestSupport
import Foundation
import Testing

@testable import IncidentKit
@testable import IncidentStore

@Suite("Data folder")
struct DataFolderTests {
    let now = Date(timeIntervalSince1970: 1_795_000_000)

    func declare(_ id: IncidentID, sequence: Int = 1) -> EventRecord {
        EventRecord(
            sequence: sequence,
            at: now,
            actor: UserRef("a"),
            incident: id,
            event: .declared(title: "t", severity: .sev3, impact: nil, systems: [])
        )
    }

    @Test func channelNamesCannotEscapeTheirFolder() {
        let layout = DataLayout(root: URL(fileURLWithPath: "/data"))
        let hostile = ChannelRef(platform: .slack, workspace: "../../etc", channel: "passwd/../x y.é")
        let file = layout.logFile(for: hostile)
        #expect(file.path.hasPrefix("/data/channels/slack/"))
        #expect(!file.path.contains("/../"))
        #expect(layout.channel(forLogFile: file) == hostile)
        let plain = ChannelRef(platform: .console, workspace: "local", channel: "incident")
        #expect(layout.logFile(for: plain).path == "/data/channels/console/local/incident.jsonl")
    }

    /// Ids up to the rule's 255 bytes, even all punctuation (765 bytes once percent-encoded), get a file name that
    /// fits every file system with room for the longest suffix; names never collide and always map back.
    @Test func everyValidIdGetsItsOwnFileThatFitsAndMapsBack() throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let layout = DataLayout(root: folder.url)
        let shared = String(repeating: ":", count: 200)
        let channels = [
            ChannelRef(platform: .slack, workspace: "T1", channel: ""),
            ChannelRef(platform: .slack, workspace: "T1", channel: "\0"),
            ChannelRef(platform: .slack, workspace: "T1", channel: shared + "a"),
            ChannelRef(platform: .slack, workspace: "T1", channel: shared + "b"),
            ChannelRef(platform: .slack, workspace: String(repeating: "w", count: 255), channel: String(repeating: "é", count: 127)),
            ChannelRef(platform: .slack, workspace: "T1", channel: String(repeating: "x", count: 160)),
            ChannelRef(platform: .slack, workspace: "T1", channel: String(repeating: "x", count: 161)),
        ]
        let files = channels.map { layout.logFile(for: $0) }
        #expect(Set(files).count == channels.count, "no two ids share a file")
        for (number, (channel, file)) in zip(channels, files).enumerated() {
            #expect(file.pathComponents.suffix(3).allSatisfy { $0.utf8.count + ".corrupt-2026-12-02T041500Z".utf8.count <= 255 })
            try ChannelLog(channel: channel, layout: layout).append([declare(IncidentID(year: 2026, sequence: number + 1))])
            #expect(layout.channel(forLogFile: file) == channel)
        }
        let loaded = try DataFolder.load(layout, now: now)
        #expect(Set(loaded.channels.keys) == Set(channels), "every channel is found again at start-up")
        #expect(loaded.channels.values.allSatisfy { $0.count == 1 }, "each log holds only its own channel's event")
    }

    @Test func loadsEveryChannelAndIsolatesADamagedOne() throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let layout = DataLayout(root: folder.url)
        let good = ChannelRef(platform: .slack, workspace: "T1", channel: "C1")
        let other = ChannelRef(platform: .console, workspace: "local", channel: "drill")
        let damaged = ChannelRef(platform: .slack, workspace: "T1", channel: "C2")
        try ChannelLog(url: layout.logFile(for: good)).append([declare(IncidentID(year: 2026, sequence: 1))])
        try ChannelLog(url: layout.logFile(for: other)).append([declare(IncidentID(year: 2026, sequence: 2))])
        try ChannelLog(url: layout.logFile(for: damaged)).append([declare(IncidentID(year: 2026, sequence: 3))])
        let damagedURL = layout.logFile(for: damaged)
        try (Data("{oops\n".utf8) + Data(contentsOf: damagedURL)).write(to: damagedURL)

        let loaded = try DataFolder.load(layout, now: now)
        #expect(Set(loaded.channels.keys) == [good, other, damaged], "a damaged line costs that line, not the channel")
        #expect(loaded.channels[damaged]?.count == 1)
        #expect(loaded.repairs.count == 1 && loaded.damagedLines.count == 1)
        #expect(Set(loaded.incidentIDs) == Set((1...3).map { IncidentID(year: 2026, sequence: $0) }))
    }

    @Test func idsAreSequentialDurableAndNeverRepeat() throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let file = folder.url.appendingPathComponent("incident-ids.json")
        let first = try IncidentIDAllocator(file: file, seen: [])
        #expect(first.peek(year: 2026).description == "INC-2026-0001")
        #expect(try first.reserve(year: 2026).id.description == "INC-2026-0001")
        #expect(try first.reserve(year: 2026).id.description == "INC-2026-0002")
        #expect(try first.reserve(year: 2027).id.description == "INC-2027-0001")
        // A restart continues from the durable counter even when no log mentions the ids (crash before the append).
        let restarted = try IncidentIDAllocator(file: file, seen: [])
        #expect(try restarted.reserve(year: 2026).id.description == "INC-2026-0003")
        // Ids seen in logs win over a counter that is behind (counter file lost or restored from an old backup).
        try FileManager.default.removeItem(at: file)
        let rebuilt = try IncidentIDAllocator(file: file, seen: [IncidentID(year: 2026, sequence: 41)])
        #expect(try rebuilt.reserve(year: 2026).id.description == "INC-2026-0042")
    }

    @Test func concurrentReservationsGetDistinctIDs() async throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let allocator = try IncidentIDAllocator(file: folder.url.appendingPathComponent("ids.json"), seen: [])
        let ids = try await withThrowingTaskGroup(of: IncidentID.self) { group in
            for _ in 0..<40 { group.addTask { try allocator.reserve(year: 2026).id } }
            return try await group.reduce(into: [IncidentID]()) { $0.append($1) }
        }
        #expect(Set(ids).count == 40)
        #expect(Set(ids.map(\.sequence)) == Set(1...40))
    }
}
