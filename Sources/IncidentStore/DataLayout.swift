import Foundation
import IncidentKit

/// Where everything lives in the data folder.
package struct DataLayout: Sendable {
    package let root: URL

    package init(root: URL) { self.root = root.standardizedFileURL }

    package var channelsDirectory: URL { root.appendingPathComponent("channels", isDirectory: true) }
    package var incidentIDsFile: URL { root.appendingPathComponent("incident-ids.json") }

    /// `channels/<platform>/<workspace>/<channel>.jsonl`, each part made safe as a file name.
    package func logFile(for channel: ChannelRef) -> URL {
        channelsDirectory
            .appendingPathComponent(Self.safeName(channel.platform.name), isDirectory: true)
            .appendingPathComponent(Self.safeName(channel.workspace), isDirectory: true)
            .appendingPathComponent(Self.safeName(channel.channel) + ".jsonl")
    }

    /// `outbox/<platform>/<workspace>/<channel>.jsonl`: the channel's undelivered messages.
    package func outboxFile(for channel: ChannelRef) -> URL {
        root.appendingPathComponent("outbox", isDirectory: true)
            .appendingPathComponent(Self.safeName(channel.platform.name), isDirectory: true)
            .appendingPathComponent(Self.safeName(channel.workspace), isDirectory: true)
            .appendingPathComponent(Self.safeName(channel.channel) + ".jsonl")
    }

    /// `delivered/<platform>/<workspace>/<channel>.jsonl`: what delivery did with the channel's effects.
    package func deliveryLedger(for channel: ChannelRef) -> URL {
        deliveredDirectory
            .appendingPathComponent(Self.safeName(channel.platform.name), isDirectory: true)
            .appendingPathComponent(Self.safeName(channel.workspace), isDirectory: true)
            .appendingPathComponent(Self.safeName(channel.channel) + ".jsonl")
    }

    package var deliveredDirectory: URL { root.appendingPathComponent("delivered", isDirectory: true) }

    /// Which platforms have had delivery, and from which sequence on each channel is owed its effects.
    package var deliveryBaselineFile: URL { deliveredDirectory.appendingPathComponent("baseline.json") }

    /// The channel an outbox file belongs to.
    package func channel(forOutboxFile url: URL) -> ChannelRef? { channel(forLogFile: url) }

    /// The channel a log file belongs to, when the path has the layout's shape.
    package func channel(forLogFile url: URL) -> ChannelRef? {
        let parts = url.standardizedFileURL.pathComponents
        guard parts.count >= 3, url.pathExtension == "jsonl" else { return nil }
        let name = String(parts[parts.count - 1].dropLast(".jsonl".count))
        guard let platform = Self.originalName(parts[parts.count - 3]), let workspace = Self.originalName(parts[parts.count - 2]),
            let channel = Self.originalName(name)
        else { return nil }
        return ChannelRef(platform: PlatformID(platform), workspace: workspace, channel: channel)
    }

    /// Percent-encodes everything but letters, digits, `-` and `_`, so no name can climb out of its folder.
    static func safeName(_ name: String) -> String {
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
        return out.isEmpty ? "%00" : out
    }

    static func originalName(_ safe: String) -> String? {
        guard safe != "%00" else { return "" }
        return safe.removingPercentEncoding
    }
}
