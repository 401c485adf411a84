import IncidentKit
import Messaging

/// The console: a drill in a terminal (`firebell console`), one channel, one command per line. It is not served by
/// `firebell serve`; its session reads the lines and a `ConsoleSink` prints the posts.
public struct Console: ChatPlatform {
    public static let id = PlatformID.console
    public static let displayName = "Console"
    public static let markup = Markup.plain
    public static let capabilities: PlatformCapabilities = []

    public init(settings: ConsoleSettings, context: PlatformContext) {}

    public var delivery: (any ChatDelivery)? { nil }
}

/// The console has no settings of its own: `firebell console --channel --user` says where and as whom.
public struct ConsoleSettings: PlatformSettings {
    public static let fileKeys: [String] = []
    public static let enabledBy = "the `firebell console` command"

    /// Never configured for `firebell serve`.
    public init?(environment: [String: String], file: [String: String]) { nil }
}
