import FirebellTestSupport
import Foundation
import Testing

@testable import IncidentKit
@testable import IncidentStore

@Suite("Channel log")
struct ChannelLogTests {
    let start = Date(timeIntervalSince1970: 1_795_000_000)

    func records(_ count: Int, from first: Int = 1) -> [EventRecord] {
        let id = IncidentID(year: 2026, sequence: 1)
        return (first..<(first + count)).map { sequence in
            let event: IncidentEvent =
                sequence == 1
                ? .declared(title: "Checkout “down” <!channel> 🔥", severity: .sev1, impact: nil, systems: ["api"])
                : .notePosted(text: "note \(sequence)\nsecond line")
            return EventRecord(
                sequence: sequence,
                at: start.addingTimeInterval(TimeInterval(sequence)),
                actor: UserRef("alice"),
                incident: id,
                event: event
            )
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
        ("{\"not\":\"an event\"}\n", "event"),
        ("garbage\n", "not valid JSON"),
    ])
    func aDamagedMiddleLineCostsOnlyThatLine(damage: String, reason: String) throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let url = folder.url.appendingPathComponent("bad.jsonl")
        let codec = EventCodec()
        let all = records(3)
        let contents = try codec.line(for: all[0]) + Data(damage.utf8) + codec.line(for: all[2])
        try contents.write(to: url)

        let loaded = try LogReader.recover(url, now: start)
        #expect(loaded.records == [all[0], all[2]], "the events before and after the damaged line load")
        guard case .damagedLine(let path, let line, let keptIn, _) = try #require(loaded.repairs.first) else {
            Issue.record("expected a damaged line, got \(loaded.repairs)")
            return
        }
        #expect(path == url.path && line == 2 && loaded.repairs.count == 1)
        #expect(try Data(contentsOf: url) == contents, "the log is left exactly as it was")
        #expect(try Data(contentsOf: URL(fileURLWithPath: keptIn)) == Data(damage.utf8), "the damaged line is kept byte for byte")
        _ = try LogReader.recover(url, now: start)
        #expect(try Data(contentsOf: URL(fileURLWithPath: keptIn)) == Data(damage.utf8), "and kept once, however often the log is read")
    }

    @Test func aLineFromANewerVersionRefusesTheChannelAndIsNeverCut() throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let codec = EventCodec()
        var all = records(3)
        let unknownType =
            Data(
                #"{"actor":"carol","at":"2026-11-18T11:06:40Z","event":{"pageRinged":{"phone":"+1"}},"incident":"INC-2026-0001","seq":3,"v":1}"#.utf8
            ) + Data([0x0A])
        let newerType = folder.url.appendingPathComponent("type.jsonl")
        let typeContents = try codec.line(for: all[0]) + codec.line(for: all[1]) + unknownType
        try typeContents.write(to: newerType)
        #expect(throws: StoreError.self) { try LogReader.recover(newerType) }
        do { _ = try LogReader.recover(newerType) } catch {
            #expect(
                "\(error)".contains("line 3") && "\(error)".contains("newer version of Firebell") && "\(error)".contains("event type 'pageRinged'")
            )
        }
        #expect(try Data(contentsOf: newerType) == typeContents, "a complete last line is never cut as a torn write")

        let newerSchema = folder.url.appendingPathComponent("schema.jsonl")
        all[1].schema = 99
        let schemaContents = try codec.line(for: all[0]) + codec.line(for: all[1]) + codec.line(for: all[2])
        try schemaContents.write(to: newerSchema)
        do {
            _ = try LogReader.recover(newerSchema)
            Issue.record("a newer schema must refuse the channel")
        } catch {
            #expect("\(error)".contains("event schema 99"))
        }
        #expect(try Data(contentsOf: newerSchema) == schemaContents)
    }

    @Test func aRepeatedSequenceIsDamageAndAGapIsRead() throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let codec = EventCodec()
        let all = records(3)
        let repeated = folder.url.appendingPathComponent("repeated.jsonl")
        try (codec.line(for: all[0]) + codec.line(for: all[1]) + codec.line(for: all[0])).write(to: repeated)
        let loaded = try LogReader.recover(repeated)
        #expect(loaded.records == [all[0], all[1]])
        #expect(loaded.repairs.first?.description.contains("sequence 1 does not follow 2") == true)
        let gap = folder.url.appendingPathComponent("gap.jsonl")
        try (codec.line(for: all[0]) + codec.line(for: all[2])).write(to: gap)
        #expect(try LogReader.recover(gap).records == [all[0], all[2]])
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
