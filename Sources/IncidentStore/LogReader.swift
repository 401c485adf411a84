import Foundation
import IncidentKit

/// What start-up found and did in one log file.
public enum LogRepair: Equatable, Sendable, CustomStringConvertible {
    /// A partly written last line (a crash mid-write) was cut off.
    case cutTornTail(path: String, bytes: Int)
    /// The file could not be read as a log and was moved aside.
    case quarantined(path: String, movedTo: String, reason: String)

    public var description: String {
        switch self {
        case .cutTornTail(let path, let bytes):
            "Cut a torn last line of \(bytes) bytes from \(path) (a write interrupted by a crash); every complete event before it is kept."
        case .quarantined(let path, let movedTo, let reason):
            "Moved \(path) aside to \(movedTo): \(reason). The channel starts empty; the other channels are unaffected."
        }
    }
}

/// The records of one log and any repair made while reading it.
public struct LoadedLog: Sendable {
    public var records: [EventRecord]
    public var repairs: [LogRepair]
    /// Incident ids mentioned in a quarantined file, so that they are never given out again.
    public var idsInQuarantine: [IncidentID]
}

/// Reads logs at start-up: cuts a torn tail, moves an unreadable file aside.
public enum LogReader {
    struct Corruption: Error {
        let reason: String
    }

    struct Decoded {
        var records: [EventRecord]
        /// Byte length of the whole, parseable prefix.
        var goodLength: Int
    }

    /// Loads the log at `url`, repairing it on disk when needed. A missing file is an empty log.
    public static func recover(_ url: URL, now: Date = Date()) throws(StoreError) -> LoadedLog {
        guard FileManager.default.fileExists(atPath: url.path) else { return LoadedLog(records: [], repairs: [], idsInQuarantine: []) }
        let contents: Data
        do { contents = try Data(contentsOf: url) } catch { throw StoreError("Could not read \(url.path): \(error.localizedDescription)") }
        do {
            let decoded = try decode(contents, tolerateTornTail: true)
            var repairs: [LogRepair] = []
            if decoded.goodLength < contents.count {
                try cut(url, to: decoded.goodLength)
                repairs.append(.cutTornTail(path: url.path, bytes: contents.count - decoded.goodLength))
            }
            return LoadedLog(records: decoded.records, repairs: repairs, idsInQuarantine: [])
        } catch let corruption as Corruption {
            let target = url.path + ".corrupt-" + ISOTimestamp.format(now).replacingOccurrences(of: ":", with: "")
            guard rename(url.path, target) == 0 else { throw .posix("move aside", url.path, errno) }
            try FileIO.syncDirectory(url.deletingLastPathComponent())
            return LoadedLog(records: [], repairs: [.quarantined(path: url.path, movedTo: target, reason: corruption.reason)],
                             idsInQuarantine: incidentIDs(in: contents))
        } catch {
            throw StoreError("Could not read \(url.path): \(error)")
        }
    }

    /// Decodes whole lines. With `tolerateTornTail`, an unterminated or unparseable *last* line ends the log
    /// instead of failing it: that is what a crash in the middle of an append leaves behind.
    static func decodeLines(_ contents: Data, path: String, tolerateTornTail: Bool = false) throws(StoreError) -> (records: [EventRecord], goodLength: Int) {
        do {
            let decoded = try decode(contents, tolerateTornTail: tolerateTornTail)
            return (decoded.records, decoded.goodLength)
        } catch let corruption as Corruption {
            throw StoreError("\(path) is not a readable log: \(corruption.reason)")
        } catch {
            throw StoreError("\(path) is not a readable log: \(error)")
        }
    }

    static func decode(_ contents: Data, tolerateTornTail: Bool) throws -> Decoded {
        let decoder = EventCodec.decoder()
        var records: [EventRecord] = []
        var goodLength = 0
        var lineStart = contents.startIndex
        var lineNumber = 0
        while lineStart < contents.endIndex {
            lineNumber += 1
            guard let newline = contents[lineStart...].firstIndex(of: 0x0A) else {
                guard tolerateTornTail else { throw Corruption(reason: "line \(lineNumber) has no line end") }
                break
            }
            let line = contents[lineStart..<newline]
            let isLast = newline == contents.index(before: contents.endIndex)
            do {
                let record = try decoder.decode(EventRecord.self, from: line)
                guard record.schema >= 1, record.schema <= EventRecord.currentSchema else {
                    throw Corruption(reason: "line \(lineNumber) has schema version \(record.schema), which this version of Firebell does not know")
                }
                guard record.sequence == (records.last?.sequence ?? 0) + 1 else {
                    throw Corruption(reason: "line \(lineNumber) has sequence \(record.sequence), expected \((records.last?.sequence ?? 0) + 1)")
                }
                records.append(record)
            } catch let corruption as Corruption {
                throw corruption
            } catch {
                guard tolerateTornTail, isLast else {
                    throw Corruption(reason: "line \(lineNumber) is not a valid event (\(Self.shortReason(error)))")
                }
                break
            }
            goodLength = contents.distance(from: contents.startIndex, to: newline) + 1
            lineStart = contents.index(after: newline)
        }
        return Decoded(records: records, goodLength: goodLength)
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
