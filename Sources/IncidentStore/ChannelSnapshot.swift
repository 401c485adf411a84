import Foundation
import IncidentKit

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A cache of one channel's fold, so start-up need not decode every event again. It is trusted only while the log
/// is exactly as it was when the snapshot was taken (same file, size and modification time) and the fold has not
/// changed shape since; otherwise the log is replayed, so a crash, a torn tail or a hand edit is never hidden by it.
public struct ChannelSnapshot: Codable, Sendable {
    /// Bumped whenever the fold (`ChannelState` and what it holds) changes meaning, so older snapshots are ignored.
    public static let foldVersion = 1

    var fold: Int
    var log: LogStamp
    var state: ChannelState

    /// `<channel>.snapshot.json` beside the log.
    public static func url(forLog log: URL) -> URL {
        log.deletingPathExtension().appendingPathExtension("snapshot.json")
    }

    /// The state the snapshot beside `log` holds, when it is valid for the log as it is now.
    public static func state(forLog log: URL) -> ChannelState? {
        guard let data = try? Data(contentsOf: url(forLog: log)),
              let snapshot = try? EventCodec.decoder().decode(ChannelSnapshot.self, from: data),
              snapshot.fold == foldVersion, let stamp = LogStamp(of: log), snapshot.log == stamp else { return nil }
        return snapshot.state
    }

    /// Writes `state` as the snapshot of `log`. The caller guarantees that `state` is the fold of the log as it is
    /// (no append in between). Not synced: a snapshot lost or torn in a crash is only a slower start.
    public static func write(_ state: ChannelState, forLog log: URL) throws(StoreError) {
        guard let stamp = LogStamp(of: log) else { return }
        let data: Data
        do { data = try EventCodec.encoder().encode(ChannelSnapshot(fold: foldVersion, log: stamp, state: state)) } catch {
            throw StoreError("Could not encode the snapshot of \(log.path): \(error)")
        }
        let target = url(forLog: log)
        let temporary = target.path + ".tmp"
        guard FileManager.default.createFile(atPath: temporary, contents: data, attributes: [.posixPermissions: 0o640]), rename(temporary, target.path) == 0 else {
            throw .posix("write the snapshot", target.path, errno)
        }
    }
}

/// What identifies one version of a log file: the file, its size and its modification time to the nanosecond.
struct LogStamp: Codable, Equatable, Sendable {
    var inode: UInt64
    var size: Int64
    var modifiedSeconds: Int64
    var modifiedNanoseconds: Int64

    init?(of url: URL) {
        var info = stat()
        guard stat(url.path, &info) == 0 else { return nil }
        inode = UInt64(info.st_ino)
        size = Int64(info.st_size)
        #if canImport(Darwin)
        modifiedSeconds = Int64(info.st_mtimespec.tv_sec)
        modifiedNanoseconds = Int64(info.st_mtimespec.tv_nsec)
        #else
        modifiedSeconds = Int64(info.st_mtim.tv_sec)
        modifiedNanoseconds = Int64(info.st_mtim.tv_nsec)
        #endif
    }
}
