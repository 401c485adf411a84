import Foundation

/// Discord: `DISCORD_PUBLIC_KEY` (hex), `DISCORD_APPLICATION_ID`, `DISCORD_BOT_TOKEN`, and the API URL
/// (`DISCORD_API_URL` or `discord_api_url` in the file).
package struct DiscordSettings: PlatformSettings {
    package static let fileKeys = ["discord_api_url"]
    package static let enabledBy = "DISCORD_PUBLIC_KEY, DISCORD_APPLICATION_ID and DISCORD_BOT_TOKEN"

    package var publicKey: String
    package var applicationID: String
    package var botToken: String
    package var apiURL: String
    /// How long to wait before answering "thinking…" and following up (Discord allows 3 s for the first answer).
    package var deferAfter: Duration = .milliseconds(2000)

    package init?(environment: [String: String], file: [String: String]) throws(ConfigurationError) {
        let key = Self.value(environment, "DISCORD_PUBLIC_KEY")
        let application = Self.value(environment, "DISCORD_APPLICATION_ID")
        let bot = Self.value(environment, "DISCORD_BOT_TOKEN")
        guard key != nil || application != nil || bot != nil else { return nil }
        guard let key, let application, let bot else {
            throw ConfigurationError("Discord needs DISCORD_PUBLIC_KEY, DISCORD_APPLICATION_ID and DISCORD_BOT_TOKEN together (some are missing).")
        }
        guard key.count == 64, key.allSatisfy(\.isHexDigit) else {
            throw ConfigurationError("DISCORD_PUBLIC_KEY must be the application's public key: 64 hex digits from the Developer Portal.")
        }
        publicKey = key
        applicationID = application
        botToken = bot
        apiURL = try Self.httpURL(
            Self.value(environment, "DISCORD_API_URL") ?? file["discord_api_url"] ?? "https://discord.com/api/v10",
            "DISCORD_API_URL"
        )
    }
}
