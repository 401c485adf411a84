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
///
/// The file is two JSON lines: a small head (fold version, the log's stamp, the channel's incident ids), then the
/// state. Start-up reads only the head; the state is decoded when the channel is first used, because decoding
/// 100,000 incidents is what made a restart slow, and a responder waiting on one channel should not wait for all.
package struct ChannelSnapshot: Codable, Sendable {
    /// Bumped whenever the fold (`ChannelState` and what it holds) or the file's layout changes meaning, so older
    /// snapshots are ignored.
    package static let foldVersion = 5

    var fold: Int
    var log: LogStamp
    /// Every incident id of the channel, so ids are never given out twice even before the state is decoded.
    var incidents: [IncidentID]
    /// The sequence of the log's last record, so start-up knows what delivery may still owe without decoding the state.
    var lastSequence: Int

    /// `<channel>.snapshot.json` beside the log.
    package static func url(forLog log: URL) -> URL {
        log.deletingPathExtension().appendingPathExtension("snapshot.json")
    }

    /// The snapshot beside `log`, still encoded, when it is whole and valid for the log as it is now.
    package static func unread(forLog log: URL) -> UnreadSnapshot? {
        guard let data = try? Data(contentsOf: url(forLog: log)), data.last == newline,
            let headEnd = data.firstIndex(of: newline),
            let head = try? EventCodec.decoder().decode(ChannelSnapshot.self, from: data[..<headEnd]),
            head.fold == foldVersion, let stamp = LogStamp(of: log), head.log == stamp
        else { return nil }
        return UnreadSnapshot(
            log: log,
            incidentIDs: head.incidents,
            lastSequence: head.lastSequence,
            encodedState: data[(headEnd + 1)..<(data.endIndex - 1)]
        )
    }

    /// Writes `state` as the snapshot of `log`. The caller guarantees that `state` is the fold of the log as it is
    /// (no append in between). Not synced: a snapshot lost or torn in a crash is only a slower start.
    package static func write(_ state: ChannelState, forLog log: URL) throws(StoreError) {
        guard let stamp = LogStamp(of: log) else { return }
        var data: Data
        do {
            let encoder = EventCodec.encoder()
            data = try encoder.encode(ChannelSnapshot(fold: foldVersion, log: stamp, incidents: state.order, lastSequence: state.lastSequence))
            data.append(newline)
            data.append(try encoder.encode(state))
            data.append(newline)
        } catch {
            throw StoreError("Could not encode the snapshot of \(log.path): \(error)")
        }
        let target = url(forLog: log)
        let temporary = target.path + ".tmp"
        guard FileManager.default.createFile(atPath: temporary, contents: data, attributes: [.posixPermissions: 0o640]),
            rename(temporary, target.path) == 0
        else {
            throw .posix("write the snapshot", target.path, errno)
        }
    }

    private static let newline = UInt8(ascii: "\n")
}

/// A valid snapshot whose state is not decoded yet.
package struct UnreadSnapshot: Sendable {
    let log: URL
    /// Every incident id of the channel, from the snapshot's head.
    package let incidentIDs: [IncidentID]
    /// The sequence of the log's last record.
    package let lastSequence: Int
    let encodedState: Data

    /// The channel's state, from the snapshot; if its body turns out damaged, from a replay of the log (which the
    /// head showed unchanged since the snapshot was written). `fromSnapshot` tells which.
    package func read(now: Date) throws(StoreError) -> (state: ChannelState, fromSnapshot: Bool) {
        if let state = try? EventCodec.decoder().decode(ChannelState.self, from: encodedState) { return (state, true) }
        return (ChannelState(replaying: try LogReader.recover(log, now: now).records), false)
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
