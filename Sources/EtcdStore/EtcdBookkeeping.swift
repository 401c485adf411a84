import Foundation
import IncidentKit
import IncidentStore

/// Delivery's bookkeeping in etcd, shared by the replicas: the baseline (`delivery/baseline`) and each channel's
/// ledger (`delivery/through/<channel>`, one compacted line, and `delivery/settled/<channel>/<id>`, a line per
/// settlement). Read whole when a replica is elected, so it knows what earlier leaders delivered; written behind
/// delivery, in order, by one ``EtcdLedgerWriter``. A settlement lost with its leader (killed between a post and
/// the write) means the effect is delivered again by the next, which the platforms' look-ups and idempotency keys
/// absorb, as after a crash of a single process.
package final class EtcdBookkeeping: DeliveryBookkeeping {
    private let keys: EtcdKeys
    private let writer: EtcdLedgerWriter
    private let stored: DeliveryBaseline?
    private let journals: [ChannelRef: Data]

    private init(keys: EtcdKeys, writer: EtcdLedgerWriter, stored: DeliveryBaseline?, journals: [ChannelRef: Data]) {
        self.keys = keys
        self.writer = writer
        self.stored = stored
        self.journals = journals
    }

    /// Reads the baseline and every ledger as etcd holds them now.
    package static func load(client: EtcdClient, keys: EtcdKeys, writer: EtcdLedgerWriter) async throws(StoreError) -> EtcdBookkeeping {
        let baseline = try await client.range(EtcdRangeRequest(key: keys.deliveryBaseline)).kvs?.first?.value
        let stored = baseline.flatMap { try? JSONDecoder().decode(DeliveryBaseline.self, from: $0) }
        var journals: [ChannelRef: Data] = [:]
        for kv in try await client.rangeAll(prefix: keys.deliveryThrough).kvs {
            guard let channel = keys.channel(in: kv.key, under: keys.deliveryThrough) else { continue }
            journals[channel, default: Data()].append(kv.value ?? Data())
        }
        for kv in try await client.rangeAll(prefix: keys.deliverySettled).kvs {
            guard let channel = keys.channel(in: kv.key, under: keys.deliverySettled) else { continue }
            journals[channel, default: Data()].append(kv.value ?? Data())
        }
        return EtcdBookkeeping(keys: keys, writer: writer, stored: stored, journals: journals)
    }

    package func baseline() -> DeliveryBaseline? { stored }

    package func saveBaseline(_ baseline: DeliveryBaseline) throws(StoreError) {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        do { writer.enqueue(.put(keys.deliveryBaseline, try encoder.encode(baseline))) } catch {
            throw StoreError("Could not encode the delivery baseline: \(error)")
        }
    }

    package func ledgers() -> [(channel: ChannelRef, location: String)] {
        journals.keys.sorted { $0.description < $1.description }.map { ($0, "etcd \(keys.prefix)delivery/…/\(EtcdKeys.path($0))") }
    }

    package func journal(for channel: ChannelRef) -> any LedgerJournal {
        EtcdLedgerJournal(channel: channel, contents: journals[channel] ?? Data(), keys: keys, writer: writer)
    }
}

/// One channel's ledger in etcd: lines are written behind, in order.
final class EtcdLedgerJournal: LedgerJournal {
    private let channel: ChannelRef
    private let loaded: Data
    private let keys: EtcdKeys
    private let writer: EtcdLedgerWriter

    init(channel: ChannelRef, contents: Data, keys: EtcdKeys, writer: EtcdLedgerWriter) {
        self.channel = channel
        loaded = contents
        self.keys = keys
        self.writer = writer
    }

    func contents() -> Data { loaded }

    /// Every value in etcd is a whole line.
    func cut(to length: Int) throws(StoreError) {}

    func append(_ line: Data) throws(StoreError) {
        let key = keys.deliverySettled + Data((EtcdKeys.path(channel) + "/" + UUID().uuidString).utf8)
        writer.enqueue(.put(key, line))
    }

    func replace(with data: Data) throws(StoreError) {
        let settled = keys.deliverySettled + Data((EtcdKeys.path(channel) + "/").utf8)
        writer.enqueue(.replace(settledUnder: settled, through: keys.deliveryThrough + Data(EtcdKeys.path(channel).utf8), data))
    }
}

/// Writes delivery's bookkeeping to etcd in the order it was asked, behind delivery (a post never waits for it).
package final class EtcdLedgerWriter: Sendable {
    package enum Operation: Sendable {
        case put(Data, Data)
        /// Deletes every settlement line of a channel and writes its compacted line, in one transaction.
        case replace(settledUnder: Data, through: Data, Data)
        case drained(CheckedContinuation<Void, Never>)
    }

    private let continuation: AsyncStream<Operation>.Continuation

    package init(client: EtcdClient) {
        let (stream, continuation) = AsyncStream.makeStream(of: Operation.self)
        self.continuation = continuation
        Task {
            for await operation in stream {
                do {
                    switch operation {
                    case .put(let key, let value):
                        try await client.put(key, value)
                    case .replace(let settled, let through, let value):
                        let delete = EtcdRequestOp(request_delete_range: EtcdDeleteRangeRequest(key: settled, range_end: EtcdKeys.prefixEnd(settled)))
                        _ = try await client.txn(EtcdTxnRequest(compare: [], success: [delete, .put(through, value)], failure: []))
                    case .drained(let waiter):
                        waiter.resume()
                    }
                } catch {
                    // Not written: the effect is delivered again by the next leader, and found at the platform.
                }
            }
        }
    }

    deinit { continuation.finish() }

    package func enqueue(_ operation: Operation) { continuation.yield(operation) }

    /// Returns once everything asked before is written (or failed).
    package func drain() async {
        await withCheckedContinuation { continuation.yield(.drained($0)) }
    }
}
