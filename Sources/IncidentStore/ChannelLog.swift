import Foundation
import IncidentKit

/// One channel's append-only event log. `append` returns only once the events are on disk (fsync).
/// Not thread-safe: one owner (the channel's actor) uses it.
package final class ChannelLog {
    private let file: AppendOnlyFile
    private let codec = EventCodec()

    package var url: URL { file.url }

    /// The log at `url` (created by its first append); call `LogReader.recover` first so its tail is whole.
    package init(url: URL) throws(StoreError) {
        file = try AppendOnlyFile(url: url)
    }

    /// The log of `channel` in `layout`; a channel whose name is hashed gets the file that names it first, so the
    /// log can always be traced back to its channel.
    package convenience init(channel: ChannelRef, layout: DataLayout) throws(StoreError) {
        try layout.recordReference(for: channel)
        try self.init(url: layout.logFile(for: channel))
    }

    /// Appends the records as one write and fsyncs. On failure the file is cut back to its last whole record.
    package func append(_ records: [EventRecord]) throws(StoreError) {
        try file.append(try encode(records))
    }

    /// Appends the records as one write, to be made durable by a group commit: sync `syncTarget`, then `confirm`
    /// (or `abandon` if the sync failed, which cuts the write off again). Nothing else may be appended in between.
    package func write(_ records: [EventRecord]) throws(StoreError) -> PendingAppend {
        try file.write(try encode(records))
    }

    /// What a group commit syncs for this log.
    package var syncTarget: GroupCommit.Target { file.syncTarget }

    /// The written records are durable.
    package func confirm(_ pending: PendingAppend) { file.confirm(pending) }

    /// The written records could not be made durable and are cut off.
    package func abandon(_ pending: PendingAppend) { file.abandon(pending) }

    private func encode(_ records: [EventRecord]) throws(StoreError) -> Data {
        var data = Data()
        for record in records {
            do { data.append(try codec.line(for: record)) } catch { throw StoreError("Could not encode an event: \(error)") }
        }
        return data
    }

    /// Every record in the log, read from disk (the timeline and postmortem read them this way); damaged lines,
    /// reported at start-up, are skipped.
    package func readAll() throws(StoreError) -> [EventRecord] {
        try LogReader.decodeLines(try file.read(), path: url.path).records
    }
}
