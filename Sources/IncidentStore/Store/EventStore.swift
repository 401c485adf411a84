import Foundation
import IncidentKit

/// Where the channels' events are kept: the data folder (the embedded default) or etcd (a cluster). Either way each
/// channel is an append-only log of the same JSON records, appended one transaction at a time.
package protocol EventStore: Sendable {
    /// Hands out incident ids, never the same twice among everyone who shares the store.
    var incidentIDs: any IncidentIDSource { get }
    /// The log of one channel; its runtime is its only user.
    func log(for channel: ChannelRef) -> any ChannelStorage
    /// How many durable commits ran and how many appends they stood for (their ratio is the grouping factor).
    var commitStatistics: (groups: Int, files: Int) { get }
    /// Where the events are, for the operator's log: a folder's path or etcd's endpoints.
    var location: String { get }
    /// Why commands cannot be saved right now (etcd out of reach or without quorum), or nil; `/readyz` asks.
    func notReadyReason() async -> String?
}

extension EventStore {
    package func notReadyReason() async -> String? { nil }
}

/// A store as it was opened: the store, and every channel's state as it found them.
package struct OpenedStore: Sendable {
    package var store: any EventStore
    package var loaded: LoadedDataFolder<ChannelFold>

    package init(store: any EventStore, loaded: LoadedDataFolder<ChannelFold>) {
        self.store = store
        self.loaded = loaded
    }
}

/// One channel's log in a store. The channel's runtime calls it only in the channel's turn, one call at a time.
package protocol ChannelStorage: AnyObject, Sendable {
    /// Whether other processes append to this log too (etcd), so a command must read what is new before deciding.
    var isShared: Bool { get }

    /// Appends one transaction's records right after the channel's last record and returns once they are durable.
    /// Throws a `.conflict` error, having written nothing, when the store already holds a record at the first
    /// record's sequence (another replica appended first); `reservation` is made durable with the records.
    func append(_ records: [EventRecord], reservation: IDReservation?) async throws(StoreError)

    /// The channel's records after `sequence`, in order (all of them after 0).
    func records(after sequence: Int) async throws(StoreError) -> [EventRecord]

    /// Writes a snapshot of the channel's fold where the store keeps them; returns whether it wrote one.
    func writeSnapshot(_ state: ChannelState) throws(StoreError) -> Bool
}

/// Hands out incident ids, `INC-<year>-<n>`.
package protocol IncidentIDSource: Sendable {
    /// The id the next incident declared in `year` would get, without reserving it.
    func peek(year: Int) -> IncidentID
    /// Reserves the next id of `year`; the reservation becomes durable with the append that carries it.
    func reserve(year: Int) throws(StoreError) -> IDReservation
    /// Learns of ids taken elsewhere (a record read from the store), so the next reservation comes after them.
    func observe(_ id: IncidentID)
}

extension IncidentIDSource {
    package func observe(_ id: IncidentID) {}
}

/// An incident id taken for a declaration.
package struct IDReservation: Sendable {
    package let id: IncidentID
    /// The file to sync with the declaration's log (the data folder's id journal); nil where the append itself
    /// claims the id (etcd).
    package let syncTarget: GroupCommit.Target?

    package init(id: IncidentID, syncTarget: GroupCommit.Target?) {
        self.id = id
        self.syncTarget = syncTarget
    }
}
