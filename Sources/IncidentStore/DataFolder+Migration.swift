import Foundation
import IncidentKit

extension DataFolder {
    /// Every channel's log as its lines, byte for byte (without their newlines), for `firebell migrate`. A log with
    /// a line that is not a whole, readable record is refused: a copy must not lose or change anything.
    package static func rawLogs(_ layout: DataLayout) throws(StoreError) -> [(channel: ChannelRef, lines: [Data])] {
        let codec = EventCodec()
        var logs: [(channel: ChannelRef, lines: [Data])] = []
        for file in logFiles(under: layout.channelsDirectory) {
            guard let channel = layout.channel(forLogFile: file) else { continue }
            let data: Data
            do { data = try Data(contentsOf: file) } catch { throw StoreError("Could not read \(file.path): \(error)") }
            guard data.isEmpty || data.last == 0x0A else {
                throw StoreError("\(file.path) ends in a torn line: start Firebell on this folder once (it cuts it off), then migrate")
            }
            var lines: [Data] = []
            for (number, line) in data.split(separator: 0x0A, omittingEmptySubsequences: false).dropLast().enumerated() {
                guard (try? codec.record(from: line)) != nil else {
                    throw StoreError("line \(number + 1) of \(file.path) is not a readable event; move it aside before migrating")
                }
                lines.append(Data(line))
            }
            if !lines.isEmpty { logs.append((channel, lines)) }
        }
        return logs
    }

    /// Writes a channel's log from its lines (newline-terminated, synced); refuses a channel that already has one.
    package static func writeRawLog(_ layout: DataLayout, channel: ChannelRef, lines: [Data]) throws(StoreError) {
        let url = layout.logFile(for: channel)
        guard !FileManager.default.fileExists(atPath: url.path) else {
            throw StoreError("\(url.path) exists already: migrate into an empty data folder")
        }
        try layout.recordReference(for: channel)
        var data = Data()
        for line in lines {
            data.append(line)
            data.append(0x0A)
        }
        try AppendOnlyFile(url: url).append(data)
    }

    /// Brings the folder's incident-id counter past every id in `seen`.
    package static func recordIncidentIDs(_ layout: DataLayout, seen: [IncidentID]) throws(StoreError) {
        _ = try IncidentIDAllocator(file: layout.incidentIDsFile, seen: seen)
    }
}
