import Foundation
import IncidentKit
import Synchronization

/// Hands out incident ids, `INC-<year>-<n>`, never the same twice in one data folder,
/// across restarts and crashes: the counter is made durable before an id is used.
/// Synchronous on purpose: a channel's actor reserves an id without a suspension point, so no other
/// command of the channel can slip in between its decision and its append.
public final class IncidentIDAllocator: Sendable {
    private let file: URL
    private let lastByYear: Mutex<[Int: Int]>

    /// Starts from the counter file and from every id already seen in the logs (whichever is higher).
    public init(file: URL, seen: some Sequence<IncidentID>) throws(StoreError) {
        self.file = file
        var last: [Int: Int] = [:]
        if FileManager.default.fileExists(atPath: file.path) {
            do {
                let stored = try JSONDecoder().decode([String: Int].self, from: Data(contentsOf: file))
                for (year, sequence) in stored { if let year = Int(year) { last[year] = sequence } }
            } catch {
                // The counter is only a guard on top of the logs; a damaged one is rebuilt from them.
                last = [:]
            }
        }
        for id in seen { last[id.year] = max(last[id.year] ?? 0, id.sequence) }
        lastByYear = Mutex(last)
    }

    /// The id the next incident declared in `year` would get, without reserving it.
    public func peek(year: Int) -> IncidentID {
        lastByYear.withLock { IncidentID(year: year, sequence: ($0[year] ?? 0) + 1) }
    }

    /// Reserves the next id of `year`; it is durable when this returns.
    public func reserve(year: Int) throws(StoreError) -> IncidentID {
        try lastByYear.withLock { (last) throws(StoreError) -> IncidentID in
            let id = IncidentID(year: year, sequence: (last[year] ?? 0) + 1)
            var next = last
            next[year] = id.sequence
            let data: Data
            do {
                let encoder = JSONEncoder()
                encoder.outputFormatting = .sortedKeys
                data = try encoder.encode(Dictionary(uniqueKeysWithValues: next.map { (String($0.key), $0.value) }))
            } catch {
                throw StoreError("Could not encode the incident-id counter: \(error)")
            }
            try FileIO.makeDirectory(file.deletingLastPathComponent())
            try FileIO.replaceAtomically(file, with: data)
            last = next
            return id
        }
    }
}
