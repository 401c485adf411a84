import Foundation
import IncidentKit
import Synchronization

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Hands out incident ids, `INC-<year>-<n>`, never the same twice in one data folder, across restarts and crashes.
///
/// A reservation is one line appended to `incident-ids.log`, not synced on its own: the channel syncs it in the same
/// group commit as the `declared` event that uses the id, so a declare costs one flush, not three. A crash before
/// that commit loses both the line and the event, and the id is simply given again. At start-up the journal is
/// folded into `incident-ids.json` (the highest id of each year), together with every id seen in the logs.
/// Synchronous on purpose: a channel reserves an id without a suspension point, so no other command of the channel
/// can slip in between its decision and its append.
package final class IncidentIDAllocator: IncidentIDSource {
    private struct Entry: Codable {
        var year: Int
        var sequence: Int
    }

    private let file: URL
    private let journal: URL
    private let journalFD: Int32
    private let lastByYear: Mutex<[Int: Int]>
    /// What start-up had to repair in the counter, in words for the log (nil when it was sound).
    package let repair: String?

    /// Starts from the counter file, its journal and every id already seen in the logs (whichever is highest).
    package init(file: URL, seen: some Sequence<IncidentID>) throws(StoreError) {
        self.file = file
        journal = file.deletingPathExtension().appendingPathExtension("log")
        var last: [Int: Int] = [:]
        var repair: String?
        if FileManager.default.fileExists(atPath: file.path) {
            do {
                let stored = try JSONDecoder().decode([String: Int].self, from: Data(contentsOf: file))
                for (year, sequence) in stored { if let year = Int(year) { last[year] = sequence } }
            } catch {
                // The counter is only a guard on top of the logs; a damaged one is rebuilt from them.
                repair = "\(file.path) could not be read (\(error)); the incident-id counter was rebuilt from the logs"
            }
        }
        if let data = try? Data(contentsOf: journal) {
            for line in data.split(separator: 0x0A) {
                // A torn last line is a reservation whose declaration never became durable either.
                guard let entry = try? JSONDecoder().decode(Entry.self, from: line) else { continue }
                last[entry.year] = max(last[entry.year] ?? 0, entry.sequence)
            }
        }
        for id in seen { last[id.year] = max(last[id.year] ?? 0, id.sequence) }
        try FileIO.makeDirectory(file.deletingLastPathComponent())
        try FileIO.replaceAtomically(file, with: try Self.encode(last))
        journalFD = try FileIO.openForAppend(journal.path)
        try FileIO.truncate(journalFD, to: 0, path: journal.path)
        try FileIO.sync(journalFD, path: journal.path)
        lastByYear = Mutex(last)
        self.repair = repair
    }

    deinit { close(journalFD) }

    /// The id the next incident declared in `year` would get, without reserving it.
    package func peek(year: Int) -> IncidentID {
        lastByYear.withLock { IncidentID(year: year, sequence: ($0[year] ?? 0) + 1) }
    }

    /// Reserves the next id of `year`: written, and durable once `syncTarget` is synced.
    package func reserve(year: Int) throws(StoreError) -> IDReservation {
        try lastByYear.withLock { (last) throws(StoreError) -> IDReservation in
            let id = IncidentID(year: year, sequence: (last[year] ?? 0) + 1)
            var line: Data
            do { line = try JSONEncoder().encode(Entry(year: year, sequence: id.sequence)) } catch {
                throw StoreError("Could not encode the incident-id counter: \(error)")
            }
            line.append(0x0A)
            try FileIO.writeAll(journalFD, line, path: journal.path)
            last[year] = id.sequence
            return IDReservation(id: id, syncTarget: GroupCommit.Target(fd: journalFD, path: journal.path))
        }
    }

    private static func encode(_ last: [Int: Int]) throws(StoreError) -> Data {
        do {
            let encoder = JSONEncoder()
            encoder.outputFormatting = .sortedKeys
            return try encoder.encode(Dictionary(uniqueKeysWithValues: last.map { (String($0.key), $0.value) }))
        } catch {
            throw StoreError("Could not encode the incident-id counter: \(error)")
        }
    }
}
