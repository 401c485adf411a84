import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A file that only grows, one durable append at a time: each append is one write followed by fsync,
/// and a failed append is cut back so nothing half-written stays behind. One owner uses it at a time.
///
/// The file is open while an append is in flight; between appends its descriptor is either closed or kept idle in
/// ``WarmDescriptors`` (bounded), so a process with 100,000 channels holds no descriptor for most idle ones: the
/// descriptors in use are bounded by the appends in flight, which the connection limit bounds, plus that cache.
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

    /// Where this file's descriptor waits between appends.
    private let descriptors: WarmDescriptors

    init(url: URL, descriptors: WarmDescriptors = .shared) throws(StoreError) {
        self.url = url
        self.descriptors = descriptors
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

    deinit {
        if let pendingDescriptor { close(pendingDescriptor) }
        descriptors.discard(for: ObjectIdentifier(self))
    }

    /// A descriptor open for appending: the one kept warm for this file, or a new one.
    private func openDescriptor() throws(StoreError) -> Int32 {
        if let fd = descriptors.take(for: ObjectIdentifier(self)) { return fd }
        return try FileIO.openForAppend(path)
    }

    /// Done with `fd` after a settled append: kept warm (or closed, when there is no room).
    private func release(_ fd: Int32) {
        descriptors.keep(fd, for: ObjectIdentifier(self))
    }

    func append(_ data: Data) throws(StoreError) {
        guard !data.isEmpty else { return }
        let fd = try openDescriptor()
        do {
            try FileIO.writeAll(fd, data, path: path)
            try FileIO.sync(fd, path: path)
            if !entryIsDurable {
                try FileIO.syncDirectory(url.deletingLastPathComponent())
                entryIsDurable = true
            }
        } catch {
            // A descriptor that failed is not kept: the next append opens the file again.
            try? FileIO.truncate(fd, to: durableLength, path: path)
            close(fd)
            throw error
        }
        release(fd)
        durableLength += data.count
    }

    /// Writes `data` without syncing; the caller makes it durable through `syncTarget` and then calls
    /// `confirm` (or `abandon` when the sync failed). Nothing else may be written in between.
    func write(_ data: Data) throws(StoreError) -> PendingAppend {
        let fd = try openDescriptor()
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
        if let fd = pendingDescriptor { release(fd) }
        pendingDescriptor = nil
    }

    /// The written bytes could not be made durable: cut them off so a later append does not follow them.
    func abandon(_ pending: PendingAppend) {
        if let fd = pendingDescriptor {
            try? FileIO.truncate(fd, to: pending.start, path: path)
            close(fd)
        }
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
