import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A file that only grows, one durable append at a time: each append is one write followed by fsync,
/// and a failed append is cut back so nothing half-written stays behind. One owner uses it at a time.
///
/// The file is open only while an append is in flight (open, write, sync, close), so a process with 100,000
/// channels holds no descriptor for an idle one: the descriptors in use are bounded by the appends in flight,
/// which the connection limit bounds. Opening a path costs microseconds; the fsync that follows costs a millisecond.
final class AppendOnlyFile {
    let url: URL
    /// `url.path`, worked out once: every append names the file.
    let path: String
    /// Length of the file up to the end of the last durable append.
    private(set) var durableLength: Int
    /// Whether the file's directory entry is known to be durable; a file this process created is not until its
    /// first sync (which then syncs the folder too, or the whole volume in a group commit).
    private var entryIsDurable: Bool
    /// The descriptor of a write waiting for its group commit (`write` to `confirm` or `abandon`).
    private var pendingDescriptor: Int32?

    init(url: URL) throws(StoreError) {
        self.url = url
        path = url.path
        try FileIO.makeDirectory(url.deletingLastPathComponent())
        var info = stat()
        if stat(path, &info) == 0 {
            entryIsDurable = true
            durableLength = Int(info.st_size)
        } else {
            guard errno == ENOENT else { throw .posix("stat", path, errno) }
            entryIsDurable = false
            durableLength = 0
        }
    }

    deinit { if let pendingDescriptor { close(pendingDescriptor) } }

    func append(_ data: Data) throws(StoreError) {
        guard !data.isEmpty else { return }
        let fd = try FileIO.openForAppend(path)
        defer { close(fd) }
        do {
            try FileIO.writeAll(fd, data, path: path)
            try FileIO.sync(fd, path: path)
            if !entryIsDurable {
                try FileIO.syncDirectory(url.deletingLastPathComponent())
                entryIsDurable = true
            }
        } catch {
            try? FileIO.truncate(fd, to: durableLength, path: path)
            throw error
        }
        durableLength += data.count
    }

    /// Writes `data` without syncing; the caller makes it durable through `syncTarget` and then calls
    /// `confirm` (or `abandon` when the sync failed). Nothing else may be written in between.
    func write(_ data: Data) throws(StoreError) -> PendingAppend {
        let fd = try FileIO.openForAppend(path)
        do { try FileIO.writeAll(fd, data, path: path) } catch {
            try? FileIO.truncate(fd, to: durableLength, path: path)
            close(fd)
            throw error
        }
        pendingDescriptor = fd
        return PendingAppend(start: durableLength, length: data.count)
    }

    /// What a group commit syncs for this file: the descriptor of the write in flight.
    var syncTarget: GroupCommit.Target { GroupCommit.Target(fd: pendingDescriptor ?? -1, path: path, isNew: !entryIsDurable) }

    /// The written bytes are durable: readers may see them.
    func confirm(_ pending: PendingAppend) {
        durableLength = pending.start + pending.length
        entryIsDurable = true
        closePending()
    }

    /// The written bytes could not be made durable: cut them off so a later append does not follow them.
    func abandon(_ pending: PendingAppend) {
        if let fd = pendingDescriptor { try? FileIO.truncate(fd, to: pending.start, path: path) }
        closePending()
    }

    private func closePending() {
        if let fd = pendingDescriptor { close(fd) }
        pendingDescriptor = nil
    }

    /// Cuts the file back to `length` bytes, durably (a torn tail, or everything once it is settled).
    func cut(to length: Int) throws(StoreError) {
        let fd = try FileIO.openForAppend(path)
        defer { close(fd) }
        try FileIO.truncate(fd, to: length, path: path)
        try FileIO.sync(fd, path: path)
        durableLength = length
        if !entryIsDurable {
            try FileIO.syncDirectory(url.deletingLastPathComponent())
            entryIsDurable = true
        }
    }

    /// The durable contents.
    func read() throws(StoreError) -> Data {
        guard entryIsDurable || durableLength > 0 else { return Data() }
        do { return try Data(contentsOf: url).prefix(durableLength) } catch {
            throw StoreError("Could not read \(path): \(error.localizedDescription)")
        }
    }
}

/// Bytes written to an append-only file and not yet known to be durable.
package struct PendingAppend: Sendable {
    let start: Int
    let length: Int
}
