import Foundation
import IncidentKit

/// The embedded store: every channel's log is a JSON-lines file in the data folder, appends are made durable by
/// group commits, and incident ids come from the folder's counter. No service to run.
package final class FileEventStore: EventStore {
    package let layout: DataLayout
    private let allocator: IncidentIDAllocator
    private let committer: GroupCommit

    private init(layout: DataLayout, allocator: IncidentIDAllocator, committer: GroupCommit) {
        self.layout = layout
        self.allocator = allocator
        self.committer = committer
    }

    /// Opens the data folder: every channel's state (from its snapshot where that is valid, else replayed from its
    /// log, torn tails cut and damaged lines kept aside) and the incident-id counter.
    /// - Parameter committer: what makes appends durable (tests hold one to keep a channel's turn taken).
    package static func open(_ layout: DataLayout, now: Date, committer: GroupCommit? = nil) throws(StoreError) -> (OpenedStore, idRepair: String?) {
        let loaded = try DataFolder.loadStates(layout, now: now)
        let allocator = try IncidentIDAllocator(file: layout.incidentIDsFile, seen: loaded.incidentIDs)
        let groupCommit: GroupCommit
        if let committer { groupCommit = committer } else { groupCommit = try GroupCommit(volume: layout.channelsDirectory) }
        let store = FileEventStore(layout: layout, allocator: allocator, committer: groupCommit)
        return (OpenedStore(store: store, loaded: loaded), allocator.repair)
    }

    package var incidentIDs: any IncidentIDSource { allocator }

    package func log(for channel: ChannelRef) -> any ChannelStorage {
        FileChannelStorage(channel: channel, layout: layout, committer: committer)
    }

    package var commitStatistics: (groups: Int, files: Int) { committer.statistics }

    package var location: String { layout.root.path }
}

/// One channel's log file. Opened on first use; its runtime calls it in the channel's turn only, which is what makes
/// the unsynchronised state safe.
final class FileChannelStorage: ChannelStorage, @unchecked Sendable {
    private let channel: ChannelRef
    private let layout: DataLayout
    private let committer: GroupCommit
    private let url: URL
    private var log: ChannelLog?

    /// One process owns the data folder.
    var isShared: Bool { false }

    init(channel: ChannelRef, layout: DataLayout, committer: GroupCommit) {
        self.channel = channel
        self.layout = layout
        self.committer = committer
        url = layout.logFile(for: channel)
    }

    /// Writes the records and returns once they are on disk (sharing the sync with other channels' appends); if they
    /// cannot be made durable they are cut off again and the error is thrown. One writer per file: no conflicts.
    func append(_ records: [EventRecord], reservation: IDReservation?) async throws(StoreError) {
        let log = try openLog()
        let pending = try log.write(records)
        do {
            // An id reservation is synced in the same group: a declare costs one flush.
            try await committer.sync([log.syncTarget] + (reservation?.syncTarget.map { [$0] } ?? []))
        } catch {
            log.abandon(pending)
            throw error
        }
        log.confirm(pending)
    }

    func records(after sequence: Int) async throws(StoreError) -> [EventRecord] {
        guard log != nil || FileManager.default.fileExists(atPath: url.path) else { return [] }
        let all = try openLog().readAll()
        return sequence == 0 ? all : all.filter { $0.sequence > sequence }
    }

    func writeSnapshot(_ state: ChannelState) throws(StoreError) -> Bool {
        try ChannelSnapshot.write(state, forLog: url)
        return true
    }

    private func openLog() throws(StoreError) -> ChannelLog {
        if let log { return log }
        let opened = try ChannelLog(channel: channel, layout: layout)
        log = opened
        return opened
    }
}
