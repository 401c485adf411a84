import Foundation
import Testing
@testable import IncidentKit
@testable import IncidentStore
import FirebellTestSupport

@Suite("Channel log")
struct ChannelLogTests {
    let start = Date(timeIntervalSince1970: 1_795_000_000)

    func records(_ count: Int, from first: Int = 1) -> [EventRecord] {
        let id = IncidentID(year: 2026, sequence: 1)
        return (first..<(first + count)).map { sequence in
            let event: IncidentEvent = sequence == 1
                ? .declared(title: "Checkout “down” <!channel> 🔥", severity: .sev1, impact: nil, systems: ["api"])
                : .notePosted(text: "note \(sequence)\nsecond line")
            return EventRecord(sequence: sequence, at: start.addingTimeInterval(TimeInterval(sequence)), actor: UserRef("alice"), incident: id, event: event)
        }
    }

    @Test func appendedRecordsReadBackExactly() throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let url = folder.url.appendingPathComponent("a/b/c.jsonl")
        let log = try ChannelLog(url: url)
        try log.append(records(3))
        try log.append(records(2, from: 4))
        #expect(try log.readAll() == records(5))
        let loaded = try LogReader.recover(url)
        #expect(loaded.records == records(5) && loaded.repairs.isEmpty)
        let lines = try String(contentsOf: url, encoding: .utf8).split(separator: "\n")
        #expect(lines.count == 5, "one JSON object per line")
        #expect(lines[0].contains("\"v\":1") && lines[0].contains("\"seq\":1"), "every line carries its schema version")
    }

    @Test func aTornLastLineIsCutAndEverythingBeforeItKept() throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let url = folder.url.appendingPathComponent("torn.jsonl")
        try ChannelLog(url: url).append(records(3))
        let whole = try Data(contentsOf: url)
        let fourth = try EventCodec().line(for: records(1, from: 4)[0])
        try (whole + fourth.prefix(fourth.count / 2)).write(to: url)

        let loaded = try LogReader.recover(url)
        #expect(loaded.records == records(3))
        #expect(loaded.repairs == [.cutTornTail(path: url.path, bytes: fourth.count / 2)])
        #expect(try Data(contentsOf: url) == whole, "the torn bytes are cut from the file itself")
        // Appending after the repair continues the log cleanly.
        let log = try ChannelLog(url: url)
        try log.append(records(1, from: 4))
        #expect(try LogReader.recover(url).records == records(4))
    }

    @Test func aZeroFilledLastLineIsTreatedAsTorn() throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let url = folder.url.appendingPathComponent("zeros.jsonl")
        try ChannelLog(url: url).append(records(2))
        let whole = try Data(contentsOf: url)
        try (whole + Data(repeating: 0, count: 40) + Data([0x0A])).write(to: url)
        let loaded = try LogReader.recover(url)
        #expect(loaded.records == records(2))
        #expect(loaded.repairs.count == 1)
    }

    @Test(arguments: [
        ("{\"not\":\"an event\"}\n", "is not a valid event"),
        ("garbage\n", "is not a valid event"),
    ])
    func aDamagedMiddleLineQuarantinesTheFile(damage: String, reason: String) throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let url = folder.url.appendingPathComponent("bad.jsonl")
        let codec = EventCodec()
        let all = records(3)
        let contents = try codec.line(for: all[0]) + Data(damage.utf8) + codec.line(for: all[2])
        try contents.write(to: url)

        let loaded = try LogReader.recover(url, now: start)
        #expect(loaded.records.isEmpty)
        guard case .quarantined(let path, let movedTo, let why) = try #require(loaded.repairs.first) else {
            Issue.record("expected a quarantine"); return
        }
        #expect(path == url.path && why.contains(reason) && why.contains("line 2"))
        #expect(movedTo == url.path + ".corrupt-2026-11-18T110640Z")
        #expect(!FileManager.default.fileExists(atPath: url.path))
        #expect(try Data(contentsOf: URL(fileURLWithPath: movedTo)) == contents, "the damaged file is kept for inspection")
        #expect(loaded.idsInQuarantine == [IncidentID(year: 2026, sequence: 1)], "ids in a damaged file are never reused")
    }

    @Test func aHandEditedSequenceOrNewerSchemaQuarantines() throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let codec = EventCodec()
        let gap = folder.url.appendingPathComponent("gap.jsonl")
        var all = records(3)
        try (codec.line(for: all[0]) + codec.line(for: all[2])).write(to: gap)
        #expect(try LogReader.recover(gap).repairs.first?.description.contains("line 2 has sequence 3, expected 2") == true)

        let newer = folder.url.appendingPathComponent("newer.jsonl")
        all[1].schema = 99
        try (codec.line(for: all[0]) + codec.line(for: all[1]) + codec.line(for: all[2])).write(to: newer)
        #expect(try LogReader.recover(newer).repairs.first?.description.contains("schema version 99") == true)
    }

    @Test func aFailedAppendThrowsAndLeavesNothingBehind() throws {
        // /dev/full accepts open() and refuses every write with ENOSPC: a full disk.
        let log = try ChannelLog(url: URL(fileURLWithPath: "/dev/full"))
        #expect(throws: StoreError.self) { try log.append(records(1)) }
    }

    @Test func missingLogIsEmpty() throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let loaded = try LogReader.recover(folder.url.appendingPathComponent("none.jsonl"))
        #expect(loaded.records.isEmpty && loaded.repairs.isEmpty)
    }
}
