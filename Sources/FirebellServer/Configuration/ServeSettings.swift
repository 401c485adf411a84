import Foundation

/// What `firebell serve` needs beyond the incident configuration. Secrets come from the environment only.
public struct ServeSettings: Sendable {
    public var host = "127.0.0.1"
    public var port = 8080
    public var slackSigningSecret: String?
    public var slackBotToken: String?
    /// The app-level token (`xapp-…`) that turns on Socket Mode: no public HTTP endpoint needed.
    public var slackAppToken: String?
    /// The Slack Web API base URL; tests and staging point it elsewhere.
    public var slackAPIURL = "https://slack.com/api/"
    /// The bearer token Alertmanager sends (`http_config.authorization.credentials`); enables `/hooks/alertmanager`.
    public var alertmanagerToken: String?
    /// Credentials of `/hooks/generic`: a bearer token, an HMAC signing secret, or both.
    public var genericWebhookToken: String?
    public var genericWebhookSecret: String?
    /// The PagerDuty Events API v2 integration key; enables trigger/acknowledge/resolve events.
    public var pagerDutyRoutingKey: String?
    public var mattermost: MattermostSettings?
    public var discord: DiscordSettings?
    public var matrix: MatrixSettings?

    public init() {}

    /// Reads `FIREBELL_HTTP_HOST`, `FIREBELL_HTTP_PORT`, `SLACK_SIGNING_SECRET`, `SLACK_BOT_TOKEN`, `SLACK_API_URL`.
    public init(environment: [String: String]) throws(ConfigurationError) {
        if let host = environment["FIREBELL_HTTP_HOST"], !host.isEmpty { self.host = host }
        if let text = environment["FIREBELL_HTTP_PORT"], !text.isEmpty {
            guard let port = Int(text), (0...65535).contains(port) else {
                throw ConfigurationError("FIREBELL_HTTP_PORT: '\(text)' is not a port number (0 to 65535).")
            }
            self.port = port
        }
        slackSigningSecret = environment["SLACK_SIGNING_SECRET"].flatMap { $0.isEmpty ? nil : $0 }
        slackBotToken = environment["SLACK_BOT_TOKEN"].flatMap { $0.isEmpty ? nil : $0 }
        slackAppToken = environment["SLACK_APP_TOKEN"].flatMap { $0.isEmpty ? nil : $0 }
        alertmanagerToken = environment["ALERTMANAGER_TOKEN"].flatMap { $0.isEmpty ? nil : $0 }
        genericWebhookToken = environment["GENERIC_WEBHOOK_TOKEN"].flatMap { $0.isEmpty ? nil : $0 }
        genericWebhookSecret = environment["GENERIC_WEBHOOK_SECRET"].flatMap { $0.isEmpty ? nil : $0 }
        pagerDutyRoutingKey = environment["PAGERDUTY_ROUTING_KEY"].flatMap { $0.isEmpty ? nil : $0 }
        mattermost = try MattermostSettings(environment: environment, fileURL: nil)
        discord = try DiscordSettings(environment: environment, fileURL: nil)
        matrix = try MatrixSettings(environment: environment, fileURL: nil)
        if let url = environment["SLACK_API_URL"], !url.isEmpty {
            guard let parsed = URL(string: url), ["http", "https"].contains(parsed.scheme ?? "") else {
                throw ConfigurationError("SLACK_API_URL: '\(url)' is not an http(s) URL.")
            }
            slackAPIURL = url.hasSuffix("/") ? url : url + "/"
        }
        if slackBotToken != nil, slackSigningSecret == nil, slackAppToken == nil {
            throw ConfigurationError(
                "SLACK_BOT_TOKEN is set but neither SLACK_SIGNING_SECRET (HTTP) nor SLACK_APP_TOKEN (Socket Mode) is: Firebell cannot receive Slack's commands."
            )
        }
        if slackAppToken != nil, slackBotToken == nil {
            throw ConfigurationError("SLACK_APP_TOKEN is set but SLACK_BOT_TOKEN is not: Firebell could receive commands but not post to channels.")
        }
    }

    /// Takes the listening address and API URL from the configuration (file and environment merged),
    /// and the secrets from the environment only.
    public init(configuration: FirebellConfiguration, environment: [String: String]) throws(ConfigurationError) {
        try self.init(environment: environment)
        if let host = configuration.httpHost { self.host = host }
        if let port = configuration.httpPort { self.port = port }
        if let url = configuration.slackAPIURL { slackAPIURL = url.hasSuffix("/") ? url : url + "/" }
        // The platforms' URLs may come from the file; their secrets never do.
        mattermost = try MattermostSettings(environment: environment, fileURL: configuration.mattermostURL)
        discord = try DiscordSettings(environment: environment, fileURL: configuration.discordAPIURL)
        matrix = try MatrixSettings(environment: environment, fileURL: configuration.matrixHomeserverURL)
    }

    /// Whether any chat platform or alert intake is configured (otherwise `firebell` runs the console).
    public var hasPlatform: Bool {
        slackSigningSecret != nil || slackAppToken != nil || alertmanagerToken != nil || genericWebhookToken != nil || genericWebhookSecret != nil
            || mattermost != nil || discord != nil || matrix != nil
    }
}
