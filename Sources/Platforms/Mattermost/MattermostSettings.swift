import Foundation

/// Mattermost: `MATTERMOST_URL` (or `mattermost_url` in the file), `MATTERMOST_BOT_TOKEN`, `MATTERMOST_COMMAND_TOKEN`,
/// and `MATTERMOST_WEBSOCKET`.
package struct MattermostSettings: PlatformSettings {
    package static let fileKeys = ["mattermost_url"]
    package static let enabledBy = "MATTERMOST_BOT_TOKEN and MATTERMOST_COMMAND_TOKEN"

    package var url: String
    package var botToken: String
    package var commandToken: String
    /// Also read `/incident …` messages and `@firebell …` mentions over the WebSocket API (`MATTERMOST_WEBSOCKET=true`).
    package var webSocket = false

    /// Nil when Mattermost is not configured at all; an error when it is half configured.
    package init?(environment: [String: String], file: [String: String]) throws(ConfigurationError) {
        let url = Self.value(environment, "MATTERMOST_URL") ?? file["mattermost_url"]
        let bot = Self.value(environment, "MATTERMOST_BOT_TOKEN")
        let command = Self.value(environment, "MATTERMOST_COMMAND_TOKEN")
        guard bot != nil || command != nil else { return nil }
        guard let url, let bot, let command else {
            throw ConfigurationError(
                "Mattermost needs MATTERMOST_URL, MATTERMOST_BOT_TOKEN and MATTERMOST_COMMAND_TOKEN together (some are missing)."
            )
        }
        self.url = try Self.httpURL(url, "MATTERMOST_URL")
        botToken = bot
        commandToken = command
        if let flag = Self.value(environment, "MATTERMOST_WEBSOCKET") {
            guard let parsed = Bool(flag.lowercased()) else { throw ConfigurationError("MATTERMOST_WEBSOCKET must be true or false.") }
            webSocket = parsed
        }
    }
}
