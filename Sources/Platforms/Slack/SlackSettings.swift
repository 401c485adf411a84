import Foundation

/// Slack's settings: `SLACK_SIGNING_SECRET` (HTTP), `SLACK_BOT_TOKEN` (posting), `SLACK_APP_TOKEN` (Socket Mode),
/// and the Web API URL (`SLACK_API_URL` or `slack_api_url` in the file).
package struct SlackSettings: PlatformSettings {
    package static let fileKeys = ["slack_api_url"]
    package static let enabledBy = "SLACK_SIGNING_SECRET or SLACK_APP_TOKEN"

    package var signingSecret: String?
    package var botToken: String?
    /// The app-level token (`xapp-…`) that turns on Socket Mode: no public HTTP endpoint needed.
    package var appToken: String?
    /// The Web API base URL ending in `/`; tests and staging point it elsewhere.
    package var apiURL = "https://slack.com/api/"
    /// The first delay before a Socket Mode reconnect (it doubles up to 30 s).
    package var socketModeBackoff: Duration = .seconds(1)

    package init(signingSecret: String? = nil, botToken: String? = nil, appToken: String? = nil, apiURL: String = "https://slack.com/api/") {
        self.signingSecret = signingSecret
        self.botToken = botToken
        self.appToken = appToken
        self.apiURL = apiURL.hasSuffix("/") ? apiURL : apiURL + "/"
    }

    package init?(environment: [String: String], file: [String: String]) throws(ConfigurationError) {
        signingSecret = Self.value(environment, "SLACK_SIGNING_SECRET")
        botToken = Self.value(environment, "SLACK_BOT_TOKEN")
        appToken = Self.value(environment, "SLACK_APP_TOKEN")
        guard signingSecret != nil || botToken != nil || appToken != nil else { return nil }
        if let url = Self.value(environment, "SLACK_API_URL") ?? file["slack_api_url"] {
            apiURL = try Self.httpURL(url, "SLACK_API_URL") + "/"
        }
        if botToken != nil, signingSecret == nil, appToken == nil {
            throw ConfigurationError(
                "SLACK_BOT_TOKEN is set but neither SLACK_SIGNING_SECRET (HTTP) nor SLACK_APP_TOKEN (Socket Mode) is: Firebell cannot receive Slack's commands."
            )
        }
        if appToken != nil, botToken == nil {
            throw ConfigurationError("SLACK_APP_TOKEN is set but SLACK_BOT_TOKEN is not: Firebell could receive commands but not post to channels.")
        }
    }
}
