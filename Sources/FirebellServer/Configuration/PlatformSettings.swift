import Foundation

private func value(_ environment: [String: String], _ name: String) -> String? {
    environment[name].flatMap { $0.isEmpty ? nil : $0 }
}

private func httpURL(_ text: String, _ name: String) throws(ConfigurationError) -> String {
    guard let url = URL(string: text), ["http", "https"].contains(url.scheme ?? ""), url.host != nil else {
        throw ConfigurationError("\(name): '\(text)' is not an http(s) URL.")
    }
    return text.hasSuffix("/") ? String(text.dropLast()) : text
}

/// Mattermost: `MATTERMOST_URL` (or `mattermost_url` in the file), `MATTERMOST_BOT_TOKEN`, `MATTERMOST_COMMAND_TOKEN`.
public struct MattermostSettings: Sendable {
    public var url: String
    public var botToken: String
    public var commandToken: String
    /// Also read `/incident …` messages and `@firebell …` mentions over the WebSocket API (`MATTERMOST_WEBSOCKET=true`).
    public var webSocket = false

    /// Nil when Mattermost is not configured at all; an error when it is half configured.
    init?(environment: [String: String], fileURL: String?) throws(ConfigurationError) {
        let url = value(environment, "MATTERMOST_URL") ?? fileURL
        let bot = value(environment, "MATTERMOST_BOT_TOKEN")
        let command = value(environment, "MATTERMOST_COMMAND_TOKEN")
        guard bot != nil || command != nil else { return nil }
        guard let url, let bot, let command else {
            throw ConfigurationError(
                "Mattermost needs MATTERMOST_URL, MATTERMOST_BOT_TOKEN and MATTERMOST_COMMAND_TOKEN together (some are missing)."
            )
        }
        self.url = try httpURL(url, "MATTERMOST_URL")
        botToken = bot
        commandToken = command
        if let flag = value(environment, "MATTERMOST_WEBSOCKET") {
            guard let parsed = Bool(flag.lowercased()) else { throw ConfigurationError("MATTERMOST_WEBSOCKET must be true or false.") }
            webSocket = parsed
        }
    }
}

/// Discord: `DISCORD_PUBLIC_KEY` (hex), `DISCORD_APPLICATION_ID`, `DISCORD_BOT_TOKEN`, `DISCORD_API_URL`.
public struct DiscordSettings: Sendable {
    public var publicKey: String
    public var applicationID: String
    public var botToken: String
    public var apiURL: String

    init?(environment: [String: String], fileURL: String?) throws(ConfigurationError) {
        let key = value(environment, "DISCORD_PUBLIC_KEY")
        let application = value(environment, "DISCORD_APPLICATION_ID")
        let bot = value(environment, "DISCORD_BOT_TOKEN")
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
        apiURL = try httpURL(value(environment, "DISCORD_API_URL") ?? fileURL ?? "https://discord.com/api/v10", "DISCORD_API_URL")
    }
}

/// Matrix: `MATRIX_HOMESERVER_URL`, and `MATRIX_ACCESS_TOKEN` or `MATRIX_USER` + `MATRIX_PASSWORD`.
public struct MatrixSettings: Sendable {
    public var homeserver: String
    public var accessToken: String?
    public var user: String?
    public var password: String?

    init?(environment: [String: String], fileURL: String?) throws(ConfigurationError) {
        let token = value(environment, "MATRIX_ACCESS_TOKEN")
        let user = value(environment, "MATRIX_USER")
        let password = value(environment, "MATRIX_PASSWORD")
        guard token != nil || user != nil || password != nil else { return nil }
        guard let homeserver = value(environment, "MATRIX_HOMESERVER_URL") ?? fileURL else {
            throw ConfigurationError("MATRIX_HOMESERVER_URL is needed with the Matrix credentials.")
        }
        guard token != nil || (user != nil && password != nil) else {
            throw ConfigurationError("Matrix needs MATRIX_ACCESS_TOKEN, or MATRIX_USER and MATRIX_PASSWORD together.")
        }
        self.homeserver = try httpURL(homeserver, "MATRIX_HOMESERVER_URL")
        accessToken = token
        self.user = user
        self.password = password
    }
}
