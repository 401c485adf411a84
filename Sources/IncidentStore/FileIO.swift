import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Thin, errno-checked wrappers over the POSIX calls durability depends on.
enum FileIO {
    static func openForAppend(_ path: String) throws(StoreError) -> Int32 {
        let fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0o640)
        guard fd >= 0 else { throw .posix("open", path, errno) }
        return fd
    }

    /// Writes all of `data`, retrying short writes and interrupted calls.
    static func writeAll(_ fd: Int32, _ data: Data, path: String) throws(StoreError) {
        var failure: Int32 = 0
        data.withUnsafeBytes { (buffer: UnsafeRawBufferPointer) in
            var offset = 0
            while offset < buffer.count {
                let written = write(fd, buffer.baseAddress! + offset, buffer.count - offset)
                if written < 0 {
                    if errno == EINTR { continue }
                    failure = errno
                    return
                }
                offset += written
            }
        }
        if failure != 0 { throw .posix("write to", path, failure) }
    }

    static func sync(_ fd: Int32, path: String) throws(StoreError) {
        SyncCounter.count(path)
        while fsync(fd) != 0 {
            if errno != EINTR { throw .posix("fsync", path, errno) }
        }
    }

    /// Makes a new or renamed directory entry durable.
    static func syncDirectory(_ url: URL) throws(StoreError) {
        let fd = open(url.path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard fd >= 0 else { throw .posix("open", url.path, errno) }
        defer { close(fd) }
        try sync(fd, path: url.path)
    }

    static func size(_ fd: Int32, path: String) throws(StoreError) -> Int {
        var info = stat()
        guard fstat(fd, &info) == 0 else { throw .posix("stat", path, errno) }
        return Int(info.st_size)
    }

    static func truncate(_ fd: Int32, to length: Int, path: String) throws(StoreError) {
        guard ftruncate(fd, off_t(length)) == 0 else { throw .posix("truncate", path, errno) }
    }

    /// Creates `url` and its parents, syncing each directory entry it had to create.
    static func makeDirectory(_ url: URL) throws(StoreError) {
        var missing: [URL] = []
        var cursor = url.standardizedFileURL
        while !FileManager.default.fileExists(atPath: cursor.path), cursor.path != "/" {
            missing.append(cursor)
            cursor = cursor.deletingLastPathComponent()
        }
        for directory in missing.reversed() {
            if mkdir(directory.path, 0o750) != 0, errno != EEXIST { throw .posix("create the folder", directory.path, errno) }
            try syncDirectory(directory.deletingLastPathComponent())
        }
    }

    /// Writes `data` to `url` atomically and durably: temporary file, fsync, rename, fsync of the folder.
    static func replaceAtomically(_ url: URL, with data: Data) throws(StoreError) {
        let temporary = url.path + ".tmp"
        let fd = open(temporary, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o640)
        guard fd >= 0 else { throw .posix("create", temporary, errno) }
        do {
            try writeAll(fd, data, path: temporary)
            try sync(fd, path: temporary)
            close(fd)
        } catch {
            close(fd)
            throw error
        }
        guard rename(temporary, url.path) == 0 else { throw .posix("rename", temporary, errno) }
        try syncDirectory(url.deletingLastPathComponent())
    }
}
