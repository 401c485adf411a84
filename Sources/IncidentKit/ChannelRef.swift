/// Where an incident lives: one chat channel on one platform and workspace.
package struct ChannelRef: Hashable, Codable, Sendable, CustomStringConvertible {
    package let platform: PlatformID
    package let workspace: String
    package let channel: String

    package init(platform: PlatformID, workspace: String, channel: String) {
        self.platform = platform
        self.workspace = workspace
        self.channel = channel
    }

    /// Reads a configured reference: `platform:workspace:channel`, or `platform:channel` for a platform with one
    /// workspace (its workspace is then `default`). Parts may not be empty or contain `:` or `/`.
    package init?(reference: String) {
        let parts = reference.split(separator: ":", omittingEmptySubsequences: false).map(String.init)
        guard parts.count == 2 || parts.count == 3,
            parts.allSatisfy({ !$0.isEmpty && !$0.contains("/") && !$0.contains(where: \.isWhitespace) })
        else { return nil }
        platform = PlatformID(parts[0].lowercased())
        workspace = parts.count == 3 ? parts[1] : "default"
        channel = parts[parts.count - 1]
    }

    /// "console/local/incident".
    package var description: String { "\(platform)/\(workspace)/\(channel)" }
}
