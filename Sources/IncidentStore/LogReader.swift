import Foundation
import IncidentKit

/// What start-up found and did in one log file.
package enum LogRepair: Equatable, Sendable, CustomStringConvertible {
    /// A partly written last line (a crash mid-write) was cut off.
    case cutTornTail(path: String, bytes: Int)
    /// The file could not be read as a log and was moved aside.
    case quarantined(path: String, movedTo: String, reason: String)
    /// A whole line in the log could not be read; it was left in place, copied byte for byte to `keptIn`, and the
    /// channel's other events loaded without it.
    case damagedLine(path: String, line: Int, keptIn: String, reason: String)

    package var description: String {
        switch self {
        case .cutTornTail(let path, let bytes):
            "Cut a torn last line of \(bytes) bytes from \(path) (a write interrupted by a crash); every complete event before it is kept."
        case .quarantined(let path, let movedTo, let reason):
            "Moved \(path) aside to \(movedTo): \(reason). The channel starts empty; the other channels are unaffected."
        case .damagedLine(let path, let line, let keptIn, let reason):
            "Line \(line) of \(path) is damaged (\(reason)); it is skipped, left in the log and copied to \(keptIn). The channel's other events are loaded."
        }
    }

    /// Whether the channel is degraded by it (a damaged line), as opposed to a repair that lost nothing.
    package var isDamage: Bool {
        if case .damagedLine = self { true } else { false }
    }
}

/// The records of one log and any repair made while reading it.
package struct LoadedLog: Sendable {
    package var records: [EventRecord]
    package var repairs: [LogRepair]
    /// Incident ids mentioned in a quarantined file, so that they are never given out again.
    package var idsInQuarantine: [IncidentID]
}

/// A log holds a complete line this version cannot read because a newer version wrote it (an event type or schema it
/// does not know). Nothing is cut or moved: the channel is refused until Firebell is upgraded.
package struct NewerLogFormat: Error, Sendable, CustomStringConvertible {
    package let path: String
    package let line: Int
    package let what: String

    package var description: String {
        "line \(line) of \(path) was written by a newer version of Firebell (\(what)); this version (event schema \(EventRecord.currentSchema)) "
            + "leaves the log untouched and refuses the channel. Upgrade Firebell to use it."
    }

    /// The reason without the path, for the responders in the channel.
    var cause: String { "written by a newer version of Firebell (\(what)); the operator must upgrade Firebell to use it" }
}

/// Reads logs at start-up: cuts a torn tail, keeps damaged lines aside, refuses lines from a newer version.
package enum LogReader {
    struct Corruption: Error {
        let reason: String
    }

    /// A whole line that could not be read.
    struct DamagedLine {
        let number: Int
        let bytes: Data
        let reason: String
    }

    struct Decoded {
        var records: [EventRecord]
        /// Byte length of the whole, parseable prefix.
        var goodLength: Int
        var damaged: [DamagedLine] = []
    }

    /// Where the damaged lines of `log` are copied: `<channel>.jsonl.damaged`.
    package static func damagedLinesFile(forLog log: URL) -> URL { log.appendingPathExtension("damaged") }

    /// Loads the log at `url`, repairing it on disk when needed. A missing file is an empty log.
    package static func recover(_ url: URL, now: Date = Date()) throws(StoreError) -> LoadedLog {
        guard FileManager.default.fileExists(atPath: url.path) else { return LoadedLog(records: [], repairs: [], idsInQuarantine: []) }
        let contents: Data
        do { contents = try Data(contentsOf: url) } catch { throw StoreError("Could not read \(url.path): \(error.localizedDescription)") }
        do {
            let decoded = try decode(contents, tolerateTornTail: true, path: url.path)
            var repairs: [LogRepair] = []
            if decoded.goodLength < contents.count {
                try cut(url, to: decoded.goodLength)
                repairs.append(.cutTornTail(path: url.path, bytes: contents.count - decoded.goodLength))
            }
            if !decoded.damaged.isEmpty {
                let side = damagedLinesFile(forLog: url)
                try keep(decoded.damaged, in: side)
                repairs += decoded.damaged.map { .damagedLine(path: url.path, line: $0.number, keptIn: side.path, reason: $0.reason) }
            }
            return LoadedLog(records: decoded.records, repairs: repairs, idsInQuarantine: [])
        } catch let newer as NewerLogFormat {
            throw StoreError(newer.description, cause: newer.cause)
        } catch let corruption as Corruption {
            let target = url.path + ".corrupt-" + ISOTimestamp.format(now).replacingOccurrences(of: ":", with: "")
            guard rename(url.path, target) == 0 else { throw .posix("move aside", url.path, errno) }
            try FileIO.syncDirectory(url.deletingLastPathComponent())
            return LoadedLog(
                records: [],
                repairs: [.quarantined(path: url.path, movedTo: target, reason: corruption.reason)],
                idsInQuarantine: incidentIDs(in: contents)
            )
        } catch {
            throw StoreError("Could not read \(url.path): \(error)")
        }
    }

    /// Decodes whole lines, skipping damaged ones. With `tolerateTornTail`, an unterminated last line ends the log
    /// instead of failing it: that is what a crash in the middle of an append leaves behind.
    static func decodeLines(
        _ contents: Data,
        path: String,
        tolerateTornTail: Bool = false
    ) throws(StoreError) -> (records: [EventRecord], goodLength: Int) {
        do {
            let decoded = try decode(contents, tolerateTornTail: tolerateTornTail, path: path)
            return (decoded.records, decoded.goodLength)
        } catch let newer as NewerLogFormat {
            throw StoreError(newer.description, cause: newer.cause)
        } catch let corruption as Corruption {
            throw StoreError("\(path) is not a readable log: \(corruption.reason)")
        } catch {
            throw StoreError("\(path) is not a readable log: \(error)")
        }
    }

    /// A whole line is never cut: it is an event, a line from a newer version (which refuses the channel), or damage
    /// (kept aside, the rest loads). Only an unterminated last line is a torn write. Sequences must rise; a line
    /// whose sequence does not is damage too (two writers, or a hand edit).
    static func decode(_ contents: Data, tolerateTornTail: Bool, path: String = "") throws -> Decoded {
        let decoder = EventCodec.decoder()
        var decoded = Decoded(records: [], goodLength: 0)
        var lineStart = contents.startIndex
        var lineNumber = 0
        while lineStart < contents.endIndex {
            lineNumber += 1
            guard let newline = contents[lineStart...].firstIndex(of: 0x0A) else {
                guard tolerateTornTail else { throw Corruption(reason: "line \(lineNumber) has no line end") }
                break
            }
            let line = contents[lineStart..<newline]
            // A tail of NUL bytes is what a crash can leave where the file grew but its data never reached the disk.
            if tolerateTornTail, line.allSatisfy({ $0 == 0 }), contents[newline...].allSatisfy({ $0 == 0 || $0 == 0x0A }) { break }
            defer {
                decoded.goodLength = contents.distance(from: contents.startIndex, to: newline) + 1
                lineStart = contents.index(after: newline)
            }
            let record: EventRecord
            do {
                record = try decoder.decode(EventRecord.self, from: line)
            } catch {
                if let newer = newerVersion(of: line, error: error) { throw NewerLogFormat(path: path, line: lineNumber, what: newer) }
                let reason = (try? JSONSerialization.jsonObject(with: line)) == nil ? "not valid JSON" : shortReason(error)
                decoded.damaged.append(DamagedLine(number: lineNumber, bytes: Data(line), reason: reason))
                continue
            }
            guard record.schema <= EventRecord.currentSchema else {
                throw NewerLogFormat(path: path, line: lineNumber, what: "event schema \(record.schema)")
            }
            let previous = decoded.records.last?.sequence ?? 0
            guard record.schema >= 1, record.sequence > previous else {
                decoded.damaged.append(
                    DamagedLine(
                        number: lineNumber,
                        bytes: Data(line),
                        reason: "sequence \(record.sequence) does not follow \(previous)"
                    )
                )
                continue
            }
            decoded.records.append(record)
        }
        return decoded
    }

    /// Whether an unreadable but whole line is one a newer version wrote: valid JSON with a schema above this
    /// version's, or an event whose type this version does not know. Returns what is newer.
    static func newerVersion(of line: Data, error: any Error) -> String? {
        guard let object = (try? JSONSerialization.jsonObject(with: line)) as? [String: Any] else { return nil }
        if let schema = object["v"] as? Int, schema > EventRecord.currentSchema { return "event schema \(schema)" }
        // A synthesized enum decoder finds no key it knows in an event of an unknown type.
        if case DecodingError.typeMismatch(_, let context) = error, context.codingPath.map(\.stringValue) == ["event"],
            let event = object["event"] as? [String: Any], let type = event.keys.sorted().first
        {
            return "event type '\(type)'"
        }
        return nil
    }

    /// Appends the damaged lines, byte for byte, to the side file (once: a line already kept is not added again).
    static func keep(_ lines: [DamagedLine], in side: URL) throws(StoreError) {
        let existing = (try? Data(contentsOf: side)) ?? Data()
        let known = Set(existing.split(separator: 0x0A, omittingEmptySubsequences: false).map { Data($0) })
        var data = Data()
        for line in lines where !known.contains(line.bytes) {
            data.append(line.bytes)
            data.append(0x0A)
        }
        guard !data.isEmpty else { return }
        let file = try AppendOnlyFile(url: side)
        try file.append(data)
    }

    private static func shortReason(_ error: any Error) -> String {
        switch error {
        case DecodingError.dataCorrupted(let context), DecodingError.keyNotFound(_, let context),
            DecodingError.typeMismatch(_, let context), DecodingError.valueNotFound(_, let context):
            let path = context.codingPath.map(\.stringValue).joined(separator: ".")
            return path.isEmpty ? context.debugDescription : "\(path): \(context.debugDescription)"
        default:
            return "\(error)"
        }
    }

    private static func cut(_ url: URL, to length: Int) throws(StoreError) {
        let fd = open(url.path, O_WRONLY | O_CLOEXEC)
        guard fd >= 0 else { throw .posix("open", url.path, errno) }
        defer { close(fd) }
        try FileIO.truncate(fd, to: length, path: url.path)
        try FileIO.sync(fd, path: url.path)
    }

    /// Every `INC-YYYY-NNNN` in a damaged file, found without trusting its structure.
    static func incidentIDs(in contents: Data) -> [IncidentID] {
        let text = String(decoding: contents, as: UTF8.self)
        var ids: Set<IncidentID> = []
        var searchStart = text.startIndex
        while let found = text.range(of: "INC-", range: searchStart..<text.endIndex) {
            let candidate = text[found.lowerBound...].prefix(while: { $0.isLetter || $0.isNumber || $0 == "-" })
            if let id = IncidentID(parsing: String(candidate)) { ids.insert(id) }
            searchStart = found.upperBound
        }
        return ids.sorted()
    }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
