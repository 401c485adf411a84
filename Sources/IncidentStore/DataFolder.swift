import Dispatch
import Foundation
import IncidentKit
import Synchronization

/// The data folder opened at start-up: every channel's events (or what they were folded into), and what had to be repaired.
package struct LoadedDataFolder<Channel: Sendable>: Sendable {
    package var channels: [ChannelRef: Channel]
    package var repairs: [LogRepair]
    /// Every incident id seen, including those in quarantined files.
    package var incidentIDs: [IncidentID]
    /// Channels whose log could be neither read nor moved aside; commands there are refused until it is fixed.
    package var unavailable: [ChannelRef: UnavailableChannel]

    package init(
        channels: [ChannelRef: Channel] = [:],
        repairs: [LogRepair] = [],
        incidentIDs: [IncidentID] = [],
        unavailable: [ChannelRef: UnavailableChannel] = [:]
    ) {
        self.channels = channels
        self.repairs = repairs
        self.incidentIDs = incidentIDs
        self.unavailable = unavailable
    }
}

/// A channel whose log start-up could neither read nor move aside.
package struct UnavailableChannel: Sendable, CustomStringConvertible {
    /// The whole story for the operator's log, paths included.
    package var detail: String
    /// What a responder in the channel is told: the reason without any server path.
    package var summary: String

    init(_ error: any Error) {
        detail = "\(error)"
        summary = (error as? StoreError)?.told("its log cannot be read") ?? "its log cannot be read"
    }

    package var description: String { detail }
}

extension LoadedDataFolder {
    /// Damaged lines found in the logs (each left in place and kept in a side file).
    package var damagedLines: [LogRepair] { repairs.filter(\.isDamage) }
}

extension LoadedDataFolder where Channel == ChannelFold {
    /// Channels whose state comes from a valid snapshot instead of a replay of their log.
    package var fromSnapshots: Set<ChannelRef> {
        Set(
            channels.compactMap { channel, fold in
                if case .snapshot = fold { channel } else { nil }
            }
        )
    }
}

/// One channel as start-up found it.
package enum ChannelFold: Sendable {
    /// Its log was replayed.
    case replayed(ChannelState)
    /// Its snapshot is valid and not decoded yet.
    case snapshot(UnreadSnapshot)

    /// The sequence of the channel's last record.
    package var lastSequence: Int {
        switch self {
        case .replayed(let state): state.lastSequence
        case .snapshot(let snapshot): snapshot.lastSequence
        }
    }
}

/// Opens a data folder: loads every channel log, repairing torn tails and quarantining unreadable files.
package enum DataFolder {
    /// Every channel's records.
    package static func load(_ layout: DataLayout, now: Date = Date()) throws(StoreError) -> LoadedDataFolder<[EventRecord]> {
        try load(layout, now: now) { $0 }
    }

    /// Every channel's records handed to `fold` as soon as they are read, so that only what it keeps stays in memory.
    /// Files are read on every core at once.
    package static func load<Channel: Sendable>(
        _ layout: DataLayout,
        now: Date = Date(),
        fold: @Sendable @escaping ([EventRecord]) -> Channel
    ) throws(StoreError) -> LoadedDataFolder<Channel> {
        try loadEach(layout) { file, channel in loadChannel(file, channel: channel, now: now, fold: fold) }
    }

    /// Every channel's state: still in its snapshot where that is valid for the log as it is (decoded on first
    /// use), else replayed from the log.
    package static func loadStates(_ layout: DataLayout, now: Date = Date()) throws(StoreError) -> LoadedDataFolder<ChannelFold> {
        try loadEach(layout) { file, channel in
            if let snapshot = ChannelSnapshot.unread(forLog: file) {
                var result = ChannelResult<ChannelFold>(channel: channel)
                result.incidentIDs = snapshot.incidentIDs
                result.folded = .snapshot(snapshot)
                // The snapshot was folded without the damaged lines; they are still there and still reported.
                let side = LogReader.damagedLinesFile(forLog: file)
                if let kept = try? Data(contentsOf: side), !kept.isEmpty {
                    let count = kept.split(separator: 0x0A).count
                    result.repairs = [.damagedLine(path: file.path, line: 0, keptIn: side.path, reason: "\(count) damaged line(s) found earlier")]
                }
                return result
            }
            return loadChannel(file, channel: channel, now: now) { .replayed(ChannelState(replaying: $0)) }
        }
    }

    private static func loadEach<Channel: Sendable>(
        _ layout: DataLayout,
        _ loadOne: @Sendable @escaping (URL, ChannelRef) -> ChannelResult<Channel>
    ) throws(StoreError) -> LoadedDataFolder<Channel> {
        try FileIO.makeDirectory(layout.channelsDirectory)
        let files = logFiles(under: layout.channelsDirectory).compactMap { file in layout.channel(forLogFile: file).map { (file, $0) } }
        let results = Mutex([ChannelResult<Channel>?](repeating: nil, count: files.count))
        DispatchQueue.concurrentPerform(iterations: files.count) { index in
            let (file, channel) = files[index]
            let result = loadOne(file, channel)
            results.withLock { $0[index] = result }
        }
        var loaded = LoadedDataFolder<Channel>(channels: [:], repairs: [], incidentIDs: [], unavailable: [:])
        for result in results.withLock({ $0 }) {
            guard let result else { continue }
            loaded.repairs += result.repairs
            loaded.incidentIDs += result.incidentIDs
            if let reason = result.unavailable { loaded.unavailable[result.channel] = reason }
            if let folded = result.folded { loaded.channels[result.channel] = folded }
        }
        return loaded
    }

    private struct ChannelResult<Channel: Sendable>: Sendable {
        var channel: ChannelRef
        var folded: Channel?
        var repairs: [LogRepair] = []
        var incidentIDs: [IncidentID] = []
        var unavailable: UnavailableChannel?
    }

    private static func loadChannel<Channel: Sendable>(
        _ file: URL,
        channel: ChannelRef,
        now: Date,
        fold: ([EventRecord]) -> Channel
    ) -> ChannelResult<Channel> {
        var result = ChannelResult<Channel>(channel: channel)
        let loaded: LoadedLog
        do {
            loaded = try LogReader.recover(file, now: now)
        } catch {
            // One unreadable file must not keep every other channel down.
            result.unavailable = UnavailableChannel(error)
            return result
        }
        result.repairs = loaded.repairs
        result.incidentIDs =
            loaded.idsInQuarantine
            + loaded.records.compactMap { record in
                if case .declared = record.event { return record.incident } else { return nil }
            }
        if !loaded.records.isEmpty { result.folded = fold(loaded.records) }
        return result
    }

    package static func logFiles(under directory: URL) -> [URL] {
        guard let enumerator = FileManager.default.enumerator(at: directory, includingPropertiesForKeys: nil) else { return [] }
        return enumerator.compactMap { $0 as? URL }.filter { $0.pathExtension == "jsonl" }.sorted { $0.path < $1.path }
    }
}
