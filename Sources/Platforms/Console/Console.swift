import IncidentKit
import Messaging

/// The console: a drill in a terminal (`firebell console`), one channel, one command per line. It is not served by
/// `firebell serve`; its session reads the lines and a `ConsoleSink` prints the posts.
package struct Console: ChatPlatform {
    package static let id = PlatformID.console
    package static let displayName = "Console"
    package static let markup = Markup.plain
    package static let capabilities: PlatformCapabilities = []

    package init(settings: ConsoleSettings, context: PlatformContext) {}

    package var delivery: (any ChatDelivery)? { nil }
}

/// The console has no settings of its own: `firebell console --channel --user` says where and as whom.
package struct ConsoleSettings: PlatformSettings {
    package static let fileKeys: [String] = []
    package static let enabledBy = "the `firebell console` command"

    /// Never configured for `firebell serve`.
    package init?(environment: [String: String], file: [String: String]) { nil }
}
