import Foundation
import IncidentKit
import IncidentStore
import Synchronization

/// The cluster store: every channel's log is a run of keys in etcd (``EtcdKeys``), appended by one transaction per
/// command that succeeds only if the channel's next sequence is still free (optimistic concurrency), together with
/// the incident id a declaration claims. Several Firebell replicas share it; each folds what the others append.
package final class EtcdEventStore: EventStore {
    package let client: EtcdClient
    package let keys: EtcdKeys
    private let ids: EtcdIncidentIDs
    private let commits = Mutex((groups: 0, files: 0))
    /// The revision the store was read at when it was opened: a watch from the next one sees everything after.
    package let openedAt: Int64

    private init(client: EtcdClient, keys: EtcdKeys, ids: EtcdIncidentIDs, openedAt: Int64) {
        self.client = client
        self.keys = keys
        self.ids = ids
        self.openedAt = openedAt
    }

    /// Reads every channel's log and the claimed incident ids, and folds each channel.
    package static func open(client: EtcdClient, keys: EtcdKeys) async throws(StoreError) -> OpenedStore {
        let (kvs, revision) = try await client.rangeAll(prefix: keys.logs)
        var loaded = LoadedDataFolder<ChannelFold>(channels: [:], repairs: [], incidentIDs: [], unavailable: [:])
        let codec = EventCodec()
        var byChannel: [ChannelRef: [EventRecord]] = [:]
        for kv in kvs {
            guard let (channel, sequence) = keys.parseLogKey(kv.key) else { continue }
            do {
                let record = try codec.record(from: kv.value ?? Data())
                byChannel[channel, default: []].append(record)
                if case .declared = record.event, let id = record.incident { loaded.incidentIDs.append(id) }
            } catch {
                let key = String(decoding: kv.key, as: UTF8.self)
                loaded.repairs.append(.damagedLine(path: key, line: sequence, keptIn: key, reason: "\(error)"))
            }
        }
        for (channel, records) in byChannel { loaded.channels[channel] = .replayed(ChannelState(replaying: records)) }
        let claimed = try await client.rangeAll(prefix: keys.ids, keysOnly: true).kvs.compactMap { keys.parseIDKey($0.key) }
        let ids = EtcdIncidentIDs(seen: claimed + loaded.incidentIDs)
        return OpenedStore(store: EtcdEventStore(client: client, keys: keys, ids: ids, openedAt: revision), loaded: loaded)
    }

    package var incidentIDs: any IncidentIDSource { ids }

    package func log(for channel: ChannelRef) -> any ChannelStorage {
        EtcdChannelStorage(channel: channel, store: self)
    }

    package var commitStatistics: (groups: Int, files: Int) { commits.withLock { $0 } }

    package var location: String { "etcd \(client.endpoints.joined(separator: ",")) under \(keys.prefix)" }

    /// A linearizable read of one key answers only when the cluster has a leader and a quorum.
    package func notReadyReason() async -> String? {
        let probe = EtcdRangeRequest(key: keys.logs, rangeEnd: EtcdKeys.prefixEnd(keys.logs), limit: 1)
        do {
            let _: EtcdRangeResponse = try await client.call("/v3/kv/range", probe, retryFor: .seconds(2))
            return nil
        } catch {
            return "etcd cannot serve commands now (\(error.cause ?? "no answer"))"
        }
    }

    func committed() { commits.withLock { $0 = ($0.groups + 1, $0.files + 1) } }

    func observe(_ id: IncidentID) { ids.observe(id) }

    func release(_ id: IncidentID) { ids.release(id) }

    /// The records of one channel after `sequence`, in order.
    package func records(of channel: ChannelRef, after sequence: Int) async throws(StoreError) -> [EventRecord] {
        let kvs: [EtcdKeyValue]
        do {
            kvs = try await client.rangeAll(from: keys.logKey(channel, sequence + 1), to: EtcdKeys.prefixEnd(keys.channelPrefix(channel))).kvs
        } catch {
            // A read changes nothing, whatever became of the request.
            throw StoreError(error.message, cause: error.cause)
        }
        let codec = EventCodec()
        return kvs.compactMap { try? codec.record(from: $0.value ?? Data()) }
    }
}

/// One channel's log in etcd.
final class EtcdChannelStorage: ChannelStorage {
    private let channel: ChannelRef
    private let store: EtcdEventStore
    private let codec = EventCodec()

    /// Every replica appends to it.
    var isShared: Bool { true }

    /// etcd's limit on the operations of one transaction (`--max-txn-ops`, 128 by default).
    static let maxOperations = 128

    init(channel: ChannelRef, store: EtcdEventStore) {
        self.channel = channel
        self.store = store
    }

    func append(_ records: [EventRecord], reservation: IDReservation?) async throws(StoreError) {
        guard let first = records.first else { return }
        let keys = store.keys
        var lines: [Data] = []
        for record in records {
            do { lines.append(try codec.line(for: record).dropLast()) } catch { throw StoreError("Could not encode an event: \(error)") }
        }
        var compare = [EtcdCompare.absent(keys.logKey(channel, first.sequence))]
        var success = zip(records, lines).map { EtcdRequestOp.put(keys.logKey(channel, $0.sequence), $1) }
        var failure = [EtcdRequestOp.range(EtcdRangeRequest(key: keys.logKey(channel, first.sequence)))]
        if let reservation {
            let idKey = keys.idKey(reservation.id)
            compare.append(.absent(idKey))
            success.append(.put(idKey, keys.channelPrefix(channel)))
            var newest = EtcdRangeRequest(
                key: keys.yearPrefix(reservation.id.year),
                rangeEnd: EtcdKeys.prefixEnd(keys.yearPrefix(reservation.id.year)),
                limit: 1
            )
            newest.sort_order = "DESCEND"
            newest.sort_target = "KEY"
            failure.append(.range(newest))
        }
        guard success.count <= Self.maxOperations else {
            throw StoreError("A transaction of \(records.count) events is more than etcd takes at once", cause: "too many events at once")
        }
        let response = try await store.client.txn(EtcdTxnRequest(compare: compare, success: success, failure: failure))
        if response.succeeded == true {
            store.committed()
            return
        }
        let answers = response.responses ?? []
        // A retried request whose first attempt committed finds its own first record there: it is durable.
        if let existing = answers.first?.response_range?.kvs?.first, existing.value == lines[0] {
            store.committed()
            return
        }
        if let reservation {
            // The id was not used: the decision made again takes it (or the one after the newest claimed).
            store.release(reservation.id)
            if let newest = answers.last?.response_range?.kvs?.first, let id = keys.parseIDKey(newest.key) { store.observe(id) }
        }
        throw StoreError(
            "another writer appended to \(channel) at sequence \(first.sequence) first, or took the incident id",
            cause: "another replica wrote first",
            kind: .conflict
        )
    }

    func records(after sequence: Int) async throws(StoreError) -> [EventRecord] {
        try await store.records(of: channel, after: sequence)
    }

    /// etcd keeps no snapshots: a replica folds every log when it starts.
    func writeSnapshot(_ state: ChannelState) throws(StoreError) -> Bool { false }
}

/// Incident ids in etcd: the next id after the highest this replica has seen; the append that declares it claims its
/// key (`ids/<year>/<n>`) only if nobody has, so two replicas never give out the same id.
final class EtcdIncidentIDs: IncidentIDSource {
    private let lastByYear: Mutex<[Int: Int]>

    init(seen: [IncidentID]) {
        var last: [Int: Int] = [:]
        for id in seen { last[id.year] = max(last[id.year] ?? 0, id.sequence) }
        lastByYear = Mutex(last)
    }

    func peek(year: Int) -> IncidentID {
        lastByYear.withLock { IncidentID(year: year, sequence: ($0[year] ?? 0) + 1) }
    }

    func reserve(year: Int) throws(StoreError) -> IDReservation {
        lastByYear.withLock { last in
            let id = IncidentID(year: year, sequence: (last[year] ?? 0) + 1)
            last[year] = id.sequence
            return IDReservation(id: id, syncTarget: nil)
        }
    }

    func observe(_ id: IncidentID) {
        lastByYear.withLock { $0[id.year] = max($0[id.year] ?? 0, id.sequence) }
    }

    /// Gives back a reserved id that no append claimed, when nothing was reserved after it.
    func release(_ id: IncidentID) {
        lastByYear.withLock { last in
            if last[id.year] == id.sequence { last[id.year] = id.sequence - 1 }
        }
    }
}
