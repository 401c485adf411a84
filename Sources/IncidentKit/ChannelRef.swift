/// Where an incident lives: one chat channel on one platform and workspace.
public struct ChannelRef: Hashable, Codable, Sendable, CustomStringConvertible {
    public let platform: String
    public let workspace: String
    public let channel: String

    public init(platform: String, workspace: String, channel: String) {
        self.platform = platform
        self.workspace = workspace
        self.channel = channel
    }

    /// "console/local/incident".
    public var description: String { "\(platform)/\(workspace)/\(channel)" }
}
