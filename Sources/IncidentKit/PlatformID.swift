/// Which chat platform a channel is on, as channel references and data paths name it.
///
/// The core knows no platform by name: each platform declares its own id in its folder
/// (`extension PlatformID { static let slack = PlatformID("slack") }`), and rules that differ between platforms
/// read the platform's capabilities, never its name. Stored as its plain name, so logs and snapshots written before
/// it was a type read the same.
package struct PlatformID: Hashable, Codable, Sendable, Comparable, CustomStringConvertible {
    package let name: String

    /// A platform's id: its lowercase name, as it appears in `data/channels/<name>/…`.
    package init(_ name: String) { self.name = name }

    package init(from decoder: any Decoder) throws {
        name = try decoder.singleValueContainer().decode(String.self)
    }

    package func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(name)
    }

    package var description: String { name }
    package static func < (lhs: PlatformID, rhs: PlatformID) -> Bool { lhs.name < rhs.name }
}
