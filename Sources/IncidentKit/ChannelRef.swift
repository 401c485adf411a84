/// Where an incident lives: one chat channel on one platform and workspace.
public struct ChannelRef: Hashable, Codable, Sendable, CustomStringConvertible {
    public let platform: PlatformID
    public let workspace: String
    public let channel: String

    public init(platform: PlatformID, workspace: String, channel: String) {
        self.platform = platform
        self.workspace = workspace
        self.channel = channel
    }

    /// Reads a configured reference: `platform:workspace:channel`, or `platform:channel` for a platform with one
    /// workspace (its workspace is then `default`). Parts may not be empty or contain `:` or `/`.
    public init?(reference: String) {
        let parts = reference.split(separator: ":", omittingEmptySubsequences: false).map(String.init)
        guard parts.count == 2 || parts.count == 3,
            parts.allSatisfy({ !$0.isEmpty && !$0.contains("/") && !$0.contains(where: \.isWhitespace) })
        else { return nil }
        platform = PlatformID(parts[0].lowercased())
        workspace = parts.count == 3 ? parts[1] : "default"
        channel = parts[parts.count - 1]
    }

    /// "console/local/incident".
    public var description: String { "\(platform)/\(workspace)/\(channel)" }
}
