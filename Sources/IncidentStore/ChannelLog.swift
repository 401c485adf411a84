import Foundation
import IncidentKit

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// One channel's append-only event log. `append` returns only once the events are on disk (fsync).
/// Not thread-safe: one owner (the channel's actor) uses it.
public final class ChannelLog {
    public let url: URL
    private let fd: Int32
    private let codec = EventCodec()
    /// Length of the file up to the last complete, durable record.
    private var durableLength: Int

    /// Opens (creating when missing) the log at `url`; call `LogReader.recover` first so its tail is whole.
    public init(url: URL) throws(StoreError) {
        self.url = url
        let directory = url.deletingLastPathComponent()
        try FileIO.makeDirectory(directory)
        let existed = FileManager.default.fileExists(atPath: url.path)
        fd = try FileIO.openForAppend(url.path)
        durableLength = try FileIO.size(fd, path: url.path)
        if !existed { try FileIO.syncDirectory(directory) }
    }

    deinit { close(fd) }

    /// Appends the records as one write and fsyncs. On failure the file is cut back to its last whole record,
    /// so a failed append leaves nothing half-written behind for the next one to glue onto.
    public func append(_ records: [EventRecord]) throws(StoreError) {
        guard !records.isEmpty else { return }
        var data = Data()
        for record in records {
            do { data.append(try codec.line(for: record)) } catch { throw StoreError("Could not encode an event: \(error)") }
        }
        do {
            try FileIO.writeAll(fd, data, path: url.path)
            try FileIO.sync(fd, path: url.path)
        } catch {
            try? FileIO.truncate(fd, to: durableLength, path: url.path)
            throw error
        }
        durableLength += data.count
    }

    /// Every record in the log, read from disk (the timeline and postmortem read them this way).
    public func readAll() throws(StoreError) -> [EventRecord] {
        let contents: Data
        do { contents = try Data(contentsOf: url) } catch { throw StoreError("Could not read \(url.path): \(error.localizedDescription)") }
        return try LogReader.decodeLines(contents.prefix(durableLength), path: url.path).records
    }
}
