import Foundation
import IncidentKit

/// One channel's append-only event log. `append` returns only once the events are on disk (fsync).
/// Not thread-safe: one owner (the channel's actor) uses it.
public final class ChannelLog {
    private let file: AppendOnlyFile
    private let codec = EventCodec()

    public var url: URL { file.url }

    /// Opens (creating when missing) the log at `url`; call `LogReader.recover` first so its tail is whole.
    public init(url: URL) throws(StoreError) {
        file = try AppendOnlyFile(url: url)
    }

    /// Appends the records as one write and fsyncs. On failure the file is cut back to its last whole record.
    public func append(_ records: [EventRecord]) throws(StoreError) {
        var data = Data()
        for record in records {
            do { data.append(try codec.line(for: record)) } catch { throw StoreError("Could not encode an event: \(error)") }
        }
        try file.append(data)
    }

    /// Every record in the log, read from disk (the timeline and postmortem read them this way).
    public func readAll() throws(StoreError) -> [EventRecord] {
        try LogReader.decodeLines(try file.read(), path: url.path).records
    }
}
