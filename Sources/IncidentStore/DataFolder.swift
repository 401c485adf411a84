import Foundation
import IncidentKit

/// The data folder opened at start-up: every channel's events, and what had to be repaired.
public struct LoadedDataFolder: Sendable {
    public var channels: [ChannelRef: [EventRecord]]
    public var repairs: [LogRepair]
    /// Every incident id seen, including those in quarantined files.
    public var incidentIDs: [IncidentID]
    /// Channels whose log could be neither read nor moved aside; commands there are refused until it is fixed.
    public var unavailable: [ChannelRef: String]
}

/// Opens a data folder: loads every channel log, repairing torn tails and quarantining unreadable files.
public enum DataFolder {
    public static func load(_ layout: DataLayout, now: Date = Date()) throws(StoreError) -> LoadedDataFolder {
        try FileIO.makeDirectory(layout.channelsDirectory)
        var result = LoadedDataFolder(channels: [:], repairs: [], incidentIDs: [], unavailable: [:])
        for file in logFiles(under: layout.channelsDirectory) {
            guard let channel = layout.channel(forLogFile: file) else { continue }
            let loaded: LoadedLog
            do {
                loaded = try LogReader.recover(file, now: now)
            } catch {
                // One unreadable file must not keep every other channel down.
                result.unavailable[channel] = "\(error)"
                continue
            }
            result.repairs += loaded.repairs
            result.incidentIDs += loaded.idsInQuarantine
            result.incidentIDs += loaded.records.compactMap { record in
                if case .declared = record.event { return record.incident } else { return nil }
            }
            if !loaded.records.isEmpty { result.channels[channel] = loaded.records }
        }
        return result
    }

    static func logFiles(under directory: URL) -> [URL] {
        guard let enumerator = FileManager.default.enumerator(at: directory, includingPropertiesForKeys: nil) else { return [] }
        return enumerator.compactMap { $0 as? URL }.filter { $0.pathExtension == "jsonl" }.sorted { $0.path < $1.path }
    }
}
