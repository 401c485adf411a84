import AsyncHTTPClient
import Foundation
import IncidentKit
import IncidentStore
import NIOCore

extension EtcdEventStore {
    /// Follows every append to any channel's log after `revision`, as etcd commits them, until the task is cancelled:
    /// `deliver` gets each channel's new records in order. The watch is re-opened (on another endpoint if need be)
    /// from the last revision seen when it ends, at least once a minute so a silent connection cannot hide appends for
    /// long. When etcd has compacted the revisions a watch would start from, `resync` brings every channel up to date
    /// by reading and returns the revision to continue after.
    package func followLogs(
        after revision: Int64,
        deliver: @Sendable (ChannelRef, [EventRecord]) async -> Void,
        resync: @Sendable () async throws(StoreError) -> Int64
    ) async {
        var next = revision + 1
        var backoff = Duration.milliseconds(100)
        while !Task.isCancelled {
            do {
                next = try await watchOnce(from: next, deliver: deliver, resync: resync)
                backoff = .milliseconds(100)
            } catch {
                if Task.isCancelled { return }
                try? await Task.sleep(for: backoff)
                backoff = min(backoff * 2, .seconds(2))
            }
        }
    }

    /// Reads one watch stream to its end; returns the revision to start the next from.
    private func watchOnce(
        from start: Int64,
        deliver: @Sendable (ChannelRef, [EventRecord]) async -> Void,
        resync: @Sendable () async throws(StoreError) -> Int64
    ) async throws -> Int64 {
        var next = start
        let request = EtcdWatchRequest(
            create_request: .init(key: keys.logs, range_end: EtcdKeys.prefixEnd(keys.logs), start_revision: EtcdInt(start), progress_notify: true)
        )
        let response = try await client.stream("/v3/watch", request, deadline: .now() + .seconds(60))
        var buffer = Data()
        let decoder = JSONDecoder()
        let codec = EventCodec()
        for try await chunk in response.body {
            buffer.append(contentsOf: chunk.readableBytesView)
            while let newline = buffer.firstIndex(of: 0x0A) {
                let line = buffer[buffer.startIndex..<newline]
                buffer.removeSubrange(buffer.startIndex...newline)
                guard let result = try decoder.decode(EtcdWatchFrame.self, from: line).result else { continue }
                if result.canceled == true {
                    // Compacted past where the watch would start: read the logs as they are and watch from there.
                    return try await resync() + 1
                }
                var batches: [(ChannelRef, [EventRecord])] = []
                for event in result.events ?? [] where event.type == nil {
                    if let revision = event.kv.mod_revision?.value { next = max(next, revision + 1) }
                    guard let (channel, _) = keys.parseLogKey(event.kv.key), let record = try? codec.record(from: event.kv.value ?? Data()) else {
                        continue
                    }
                    if case .declared = record.event, let id = record.incident { observe(id) }
                    if let last = batches.indices.last, batches[last].0 == channel {
                        batches[last].1.append(record)
                    } else {
                        batches.append((channel, [record]))
                    }
                }
                for (channel, records) in batches { await deliver(channel, records) }
            }
        }
        return next
    }

    /// The last sequence of every channel's log, as etcd holds it now, and the revision read at.
    package func lastSequences() async throws(StoreError) -> (sequences: [ChannelRef: Int], revision: Int64) {
        let (kvs, revision) = try await client.rangeAll(prefix: keys.logs, keysOnly: true, pageSize: 2000)
        var last: [ChannelRef: Int] = [:]
        for kv in kvs {
            guard let (channel, sequence) = keys.parseLogKey(kv.key) else { continue }
            last[channel] = max(last[channel] ?? 0, sequence)
        }
        return (last, revision)
    }
}
