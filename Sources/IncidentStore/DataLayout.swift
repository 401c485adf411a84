import Crypto
import Foundation
import IncidentKit

/// Where everything lives in the data folder.
package struct DataLayout: Sendable {
    package let root: URL

    package init(root: URL) { self.root = root.standardizedFileURL }

    package var channelsDirectory: URL { root.appendingPathComponent("channels", isDirectory: true) }
    package var incidentIDsFile: URL { root.appendingPathComponent("incident-ids.json") }

    /// `channels/<platform>/<workspace>/<channel>.jsonl`, each part made safe as a file name.
    package func logFile(for channel: ChannelRef) -> URL { Self.file(for: channel, in: channelsDirectory) }

    /// `outbox/<platform>/<workspace>/<channel>.jsonl`: the channel's undelivered messages.
    package func outboxFile(for channel: ChannelRef) -> URL {
        Self.file(for: channel, in: root.appendingPathComponent("outbox", isDirectory: true))
    }

    /// `delivered/<platform>/<workspace>/<channel>.jsonl`: what delivery did with the channel's effects.
    package func deliveryLedger(for channel: ChannelRef) -> URL { Self.file(for: channel, in: deliveredDirectory) }

    /// `<directory>/<platform>/<workspace>/<channel>.jsonl`, each part made safe as a file name.
    private static func file(for channel: ChannelRef, in directory: URL) -> URL {
        let parts = encodedParts(channel)
        return directory.appendingPathComponent(parts[0], isDirectory: true).appendingPathComponent(parts[1], isDirectory: true)
            .appendingPathComponent(parts[2] + ".jsonl")
    }

    /// The platform, workspace and channel ids as file names.
    private static func encodedParts(_ channel: ChannelRef) -> [String] {
        [channel.platform.name, channel.workspace, channel.channel].map(safeName)
    }

    package var deliveredDirectory: URL { root.appendingPathComponent("delivered", isDirectory: true) }

    /// Which platforms have had delivery, and from which sequence on each channel is owed its effects.
    package var deliveryBaselineFile: URL { deliveredDirectory.appendingPathComponent("baseline.json") }

    /// The channel an outbox file belongs to.
    package func channel(forOutboxFile url: URL) -> ChannelRef? { channel(forLogFile: url) }

    /// The channel a log file belongs to, when the path has the layout's shape. A path with a hashed part is read
    /// back from the reference file written beside the log (``recordReference(for:)``).
    package func channel(forLogFile url: URL) -> ChannelRef? {
        let parts = url.standardizedFileURL.pathComponents
        guard parts.count >= 3, url.pathExtension == "jsonl" else { return nil }
        let name = String(parts[parts.count - 1].dropLast(".jsonl".count))
        let encoded = [parts[parts.count - 3], parts[parts.count - 2], name]
        if encoded.contains(where: { $0.hasPrefix(Self.hashedPrefix) }) {
            guard let data = try? Data(contentsOf: Self.referenceFile(forLog: url)),
                let channel = try? JSONDecoder().decode(ChannelRef.self, from: data),
                Self.encodedParts(channel) == encoded
            else { return nil }
            return channel
        }
        guard let platform = Self.originalName(encoded[0]), let workspace = Self.originalName(encoded[1]),
            let channel = Self.originalName(encoded[2])
        else { return nil }
        return ChannelRef(platform: PlatformID(platform), workspace: workspace, channel: channel)
    }

    /// Whether any part of the channel's file names is hashed (too long to spell out).
    package static func isHashed(_ channel: ChannelRef) -> Bool {
        encodedParts(channel).contains { $0.hasPrefix(hashedPrefix) }
    }

    /// Makes the channel recoverable from its log's path: for a channel with a hashed name, writes (once, durably)
    /// the reference file that names it. Call before the log is first written.
    package func recordReference(for channel: ChannelRef) throws(StoreError) {
        guard Self.isHashed(channel) else { return }
        let file = Self.referenceFile(forLog: logFile(for: channel))
        guard !FileManager.default.fileExists(atPath: file.path) else { return }
        let data: Data
        do { data = try JSONEncoder().encode(channel) } catch { throw StoreError("Could not encode a channel reference: \(error)") }
        try FileIO.makeDirectory(file.deletingLastPathComponent())
        try FileIO.replaceAtomically(file, with: data)
    }

    /// `<log>.ref.json`: which channel a log with a hashed name belongs to.
    static func referenceFile(forLog log: URL) -> URL {
        log.deletingPathExtension().appendingPathExtension("ref.json")
    }

    /// The longest name spelled out; longer ones are hashed. Leaves room under every file system's 255-byte limit
    /// for the longest suffix a log gets (`.jsonl.corrupt-<time>`, `.snapshot.json.tmp`, `.jsonl.damaged`).
    static let longestSpelledName = 160
    /// What starts a hashed name: `~` is never produced by the percent-encoding, so the two kinds cannot collide.
    static let hashedPrefix = "~"

    /// Percent-encodes everything but letters, digits, `-` and `_`, so no name can climb out of its folder; a name
    /// longer than ``longestSpelledName`` once encoded becomes `~` and the SHA-256 of the original, in hex. Either way
    /// the mapping is injective: different ids never share a file.
    static func safeName(_ name: String) -> String {
        let out = percentEncoded(name)
        if out.utf8.count > longestSpelledName {
            return hashedPrefix + SHA256.hash(data: Data(name.utf8)).map { String(format: "%02x", $0) }.joined()
        }
        return out
    }

    /// Percent-encodes everything but letters, digits, `-` and `_`; the empty name is `%` (never produced otherwise),
    /// so different names never share an encoding and none contains `/`.
    package static func percentEncoded(_ name: String) -> String {
        var out = ""
        for byte in name.utf8 {
            switch byte {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "0")...UInt8(ascii: "9"),
                UInt8(ascii: "-"), UInt8(ascii: "_"):
                out.append(Character(Unicode.Scalar(byte)))
            default:
                out += String(format: "%%%02X", byte)
            }
        }
        // A lone `%` is never produced by the encoding, so the empty name cannot collide with `"\0"` (`%00`).
        return out.isEmpty ? "%" : out
    }

    /// The name a ``percentEncoded(_:)`` text stands for.
    package static func percentDecoded(_ safe: String) -> String? { originalName(safe) }

    static func originalName(_ safe: String) -> String? {
        guard safe != "%" else { return "" }
        return safe.removingPercentEncoding
    }
}
