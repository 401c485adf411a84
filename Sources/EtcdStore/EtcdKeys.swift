import Foundation
import IncidentKit
import IncidentStore

/// Where Firebell's data lives under its prefix (`/firebell/` by default):
/// - `log/<platform>/<workspace>/<channel>/<sequence, 20 digits>`: one event record, the same JSON line as in a
///   data-folder log (without its newline). Zero-padded so keys sort in sequence order.
/// - `ids/<year>/<sequence, 10 digits>`: an incident id, claimed by the append that declares it.
/// The ids in a key are percent-encoded like the data folder's file names (without hashing: etcd keys have no
///255-byte limit), so `/` in an id cannot be read as a separator and every channel has exactly one prefix.
package struct EtcdKeys: Sendable {
    package let prefix: String

    package init(prefix: String) {
        var prefix = prefix.isEmpty ? "/firebell/" : prefix
        if !prefix.hasSuffix("/") { prefix += "/" }
        self.prefix = prefix
    }

    package var logs: Data { Data((prefix + "log/").utf8) }
    package var ids: Data { Data((prefix + "ids/").utf8) }

    /// Every key of one channel's log starts with this.
    package func channelPrefix(_ channel: ChannelRef) -> Data {
        Data((prefix + "log/" + Self.path(channel) + "/").utf8)
    }

    /// `<platform>/<workspace>/<channel>`, each percent-encoded.
    package static func path(_ channel: ChannelRef) -> String {
        [channel.platform.name, channel.workspace, channel.channel].map(DataLayout.percentEncoded).joined(separator: "/")
    }

    /// The channel a ``path(_:)`` names (its first three parts).
    package static func channel(fromPath parts: [String]) -> ChannelRef? {
        guard parts.count >= 3, let platform = DataLayout.percentDecoded(parts[0]), let workspace = DataLayout.percentDecoded(parts[1]),
            let channel = DataLayout.percentDecoded(parts[2])
        else { return nil }
        return ChannelRef(platform: PlatformID(platform), workspace: workspace, channel: channel)
    }

    /// Delivery's baseline, shared by the replicas.
    package var deliveryBaseline: Data { Data((prefix + "delivery/baseline").utf8) }
    /// Every channel's compacted ledger line: `delivery/through/<path>`.
    package var deliveryThrough: Data { Data((prefix + "delivery/through/").utf8) }
    /// Every settlement line: `delivery/settled/<path>/<unique id>`.
    package var deliverySettled: Data { Data((prefix + "delivery/settled/").utf8) }

    /// The channel a key under `base` names in its next three parts.
    package func channel(in key: Data, under base: Data) -> ChannelRef? {
        guard key.starts(with: base), let rest = String(data: key.dropFirst(base.count), encoding: .utf8) else { return nil }
        return Self.channel(fromPath: rest.split(separator: "/", omittingEmptySubsequences: false).map(String.init))
    }

    package func logKey(_ channel: ChannelRef, _ sequence: Int) -> Data {
        channelPrefix(channel) + Data(Self.padded(sequence, 20).utf8)
    }

    /// The channel and sequence a log key names; nil for a key of another shape.
    package func parseLogKey(_ key: Data) -> (ChannelRef, Int)? {
        guard let text = String(data: key, encoding: .utf8), text.hasPrefix(prefix + "log/") else { return nil }
        let parts = text.dropFirst(prefix.count + 4).split(separator: "/", omittingEmptySubsequences: false).map(String.init)
        guard parts.count == 4, let sequence = Int(parts[3]), let channel = Self.channel(fromPath: parts) else { return nil }
        return (channel, sequence)
    }

    package func idKey(_ id: IncidentID) -> Data { yearPrefix(id.year) + Data(Self.padded(id.sequence, 10).utf8) }

    package func yearPrefix(_ year: Int) -> Data { ids + Data("\(year)/".utf8) }

    /// The incident id an id key names.
    package func parseIDKey(_ key: Data) -> IncidentID? {
        guard let text = String(data: key, encoding: .utf8), text.hasPrefix(prefix + "ids/") else { return nil }
        let parts = text.dropFirst(prefix.count + 4).split(separator: "/")
        guard parts.count == 2, let year = Int(parts[0]), let sequence = Int(parts[1]) else { return nil }
        return IncidentID(year: year, sequence: sequence)
    }

    /// The end of the range of every key starting with `prefix`: the prefix with its last byte plus one.
    package static func prefixEnd(_ prefix: Data) -> Data {
        var end = [UInt8](prefix)
        while let last = end.last {
            if last < 0xFF {
                end[end.count - 1] = last + 1
                return Data(end)
            }
            end.removeLast()
        }
        return Data([0])
    }

    static func padded(_ value: Int, _ width: Int) -> String {
        let digits = String(value)
        return String(repeating: "0", count: max(0, width - digits.count)) + digits
    }
}
