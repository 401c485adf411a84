import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A file that only grows, one durable append at a time: each append is one write followed by fsync,
/// and a failed append is cut back so nothing half-written stays behind. One owner uses it at a time.
final class AppendOnlyFile {
    let url: URL
    private let fd: Int32
    /// Length of the file up to the end of the last durable append.
    private(set) var durableLength: Int
    /// Whether the file's directory entry is known to be durable; a file this process created is not until its
    /// first sync (which then syncs the folder too, or the whole volume in a group commit).
    private var entryIsDurable: Bool

    init(url: URL) throws(StoreError) {
        self.url = url
        let directory = url.deletingLastPathComponent()
        try FileIO.makeDirectory(directory)
        entryIsDurable = FileManager.default.fileExists(atPath: url.path)
        fd = try FileIO.openForAppend(url.path)
        durableLength = try FileIO.size(fd, path: url.path)
    }

    deinit { close(fd) }

    func append(_ data: Data) throws(StoreError) {
        guard !data.isEmpty else { return }
        do {
            try FileIO.writeAll(fd, data, path: url.path)
            try FileIO.sync(fd, path: url.path)
            if !entryIsDurable {
                try FileIO.syncDirectory(url.deletingLastPathComponent())
                entryIsDurable = true
            }
        } catch {
            try? FileIO.truncate(fd, to: durableLength, path: url.path)
            throw error
        }
        durableLength += data.count
    }

    /// Writes `data` without syncing; the caller makes it durable through `syncTarget` and then calls
    /// `confirm` (or `abandon` when the sync failed). Nothing else may be written in between.
    func write(_ data: Data) throws(StoreError) -> PendingAppend {
        do { try FileIO.writeAll(fd, data, path: url.path) } catch {
            try? FileIO.truncate(fd, to: durableLength, path: url.path)
            throw error
        }
        return PendingAppend(start: durableLength, length: data.count)
    }

    /// What a group commit syncs for this file.
    var syncTarget: GroupCommit.Target { GroupCommit.Target(fd: fd, path: url.path, isNew: !entryIsDurable) }

    /// The written bytes are durable: readers may see them.
    func confirm(_ pending: PendingAppend) {
        durableLength = pending.start + pending.length
        entryIsDurable = true
    }

    /// The written bytes could not be made durable: cut them off so a later append does not follow them.
    func abandon(_ pending: PendingAppend) {
        try? FileIO.truncate(fd, to: pending.start, path: url.path)
    }

    /// Cuts the file back to `length` bytes, durably (a torn tail, or everything once it is settled).
    func cut(to length: Int) throws(StoreError) {
        try FileIO.truncate(fd, to: length, path: url.path)
        try FileIO.sync(fd, path: url.path)
        durableLength = length
        if !entryIsDurable {
            try FileIO.syncDirectory(url.deletingLastPathComponent())
            entryIsDurable = true
        }
    }

    /// The durable contents.
    func read() throws(StoreError) -> Data {
        do { return try Data(contentsOf: url).prefix(durableLength) } catch {
            throw StoreError("Could not read \(url.path): \(error.localizedDescription)")
        }
    }
}

/// Bytes written to an append-only file and not yet known to be durable.
package struct PendingAppend: Sendable {
    let start: Int
    let length: Int
}
