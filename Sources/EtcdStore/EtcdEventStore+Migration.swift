import Foundation
import IncidentKit
import IncidentStore

extension EtcdEventStore {
    /// Every channel's log as its stored lines, byte for byte, in channel and sequence order (`firebell migrate`).
    package static func rawLogs(client: EtcdClient, keys: EtcdKeys) async throws(StoreError) -> [(channel: ChannelRef, lines: [Data])] {
        let (kvs, _) = try await client.rangeAll(prefix: keys.logs)
        var logs: [(channel: ChannelRef, lines: [Data])] = []
        for kv in kvs {
            guard let (channel, _) = keys.parseLogKey(kv.key) else { continue }
            if logs.last?.channel == channel {
                logs[logs.count - 1].lines.append(kv.value ?? Data())
            } else {
                logs.append((channel, [kv.value ?? Data()]))
            }
        }
        return logs
    }

    /// Writes a channel's log from its lines, as transactions of at most 100 records each of which succeeds only if
    /// its first key is still free; refuses a channel that already has records.
    package static func writeRawLog(client: EtcdClient, keys: EtcdKeys, channel: ChannelRef, lines: [Data]) async throws(StoreError) {
        let existing = try await client.range(
            EtcdRangeRequest(key: keys.channelPrefix(channel), rangeEnd: EtcdKeys.prefixEnd(keys.channelPrefix(channel)), limit: 1)
        )
        guard (existing.kvs ?? []).isEmpty else {
            throw StoreError("etcd holds records of \(channel) already: migrate into an empty prefix")
        }
        var sequence = 1
        for batch in stride(from: 0, to: lines.count, by: 100).map({ Array(lines[$0..<min($0 + 100, lines.count)]) }) {
            let first = keys.logKey(channel, sequence)
            let puts = batch.enumerated().map { EtcdRequestOp.put(keys.logKey(channel, sequence + $0.offset), $0.element) }
            let response = try await client.txn(EtcdTxnRequest(compare: [.absent(first)], success: puts, failure: []))
            guard response.succeeded == true else { throw StoreError("another writer is appending to \(channel) in etcd; stop it first") }
            sequence += batch.count
        }
    }

    /// Claims every id in `ids` (as the declarations that used them would have), so no replica gives one out again.
    package static func claim(_ ids: [IncidentID], client: EtcdClient, keys: EtcdKeys, owner: (IncidentID) -> ChannelRef?) async throws(StoreError) {
        for batch in stride(from: 0, to: ids.count, by: 100).map({ Array(ids[$0..<min($0 + 100, ids.count)]) }) {
            let puts = batch.map { id in EtcdRequestOp.put(keys.idKey(id), owner(id).map { keys.channelPrefix($0) } ?? Data()) }
            _ = try await client.txn(EtcdTxnRequest(compare: [], success: puts, failure: []))
        }
    }
}
