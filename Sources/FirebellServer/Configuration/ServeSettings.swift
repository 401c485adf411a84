import Foundation
import Platforms

/// What `firebell serve` needs beyond the incident configuration: where to listen, the alert webhooks' and
/// PagerDuty's secrets, and each configured chat platform's settings (read beside the platform). Secrets come
/// from the environment only.
package struct ServeSettings: Sendable {
    package var host = "127.0.0.1"
    package var port = 8080
    /// A port of its own for the status page, served by a lower-priority thread (``StatusListener``); the command
    /// port serves it too.
    package var statusPagePort: Int?
    /// Connection limit and timeouts of the HTTP server.
    package var httpLimits = HTTPLimits()
    /// The bearer token Alertmanager sends (`http_config.authorization.credentials`); enables `/hooks/alertmanager`.
    package var alertmanagerToken: String?
    /// Credentials of `/hooks/generic`: a bearer token, an HMAC signing secret, or both.
    package var genericWebhookToken: String?
    package var genericWebhookSecret: String?
    /// The PagerDuty Events API v2 integration key; enables trigger/acknowledge/resolve events.
    package var pagerDutyRoutingKey: String?
    /// The password of `/insights` (HTTP Basic, any user name); without it the insights are open to whoever reaches
    /// the port, like `/metrics`.
    package var insightsPassword: String?
    /// GitHub Issues as the tracker of action items: a token (`GITHUB_TOKEN`, with issues read/write) and the
    /// repository (`GITHUB_REPOSITORY`, `owner/name`); `GITHUB_API_URL` for GitHub Enterprise Server.
    package var gitHubToken: String?
    package var gitHubRepository: String?
    package var gitHubAPIURL = "https://api.github.com"
    /// Jira Cloud as the tracker of action items (`JIRA_URL`, `JIRA_EMAIL`, `JIRA_API_TOKEN`, `JIRA_PROJECT`;
    /// `JIRA_ISSUE_TYPE`, default `Task`; `JIRA_DONE_TRANSITION`, default `Done`).
    package var jira: JiraIssues.Settings?
    /// Linear as the tracker of action items (`LINEAR_API_KEY`, `LINEAR_TEAM_ID`; `LINEAR_API_URL` for tests).
    package var linearAPIKey: String?
    package var linearTeamID: String?
    package var linearAPIURL = "https://api.linear.app/graphql"
    /// The settings of each chat platform that is configured, in the order of ``chatPlatforms``.
    package private(set) var platforms: [any PlatformSettings] = []

    package init() {}

    /// Reads `FIREBELL_HTTP_HOST`, `FIREBELL_HTTP_PORT`, the webhook and PagerDuty secrets, and every platform's
    /// settings from the environment.
    package init(environment: [String: String], file: [String: String] = [:]) throws(ConfigurationError) {
        if let host = environment["FIREBELL_HTTP_HOST"], !host.isEmpty { self.host = host }
        if let text = environment["FIREBELL_HTTP_PORT"], !text.isEmpty {
            guard let port = Int(text), (0...65535).contains(port) else {
                throw ConfigurationError("FIREBELL_HTTP_PORT: '\(text)' is not a port number (0 to 65535).")
            }
            self.port = port
        }
        func secret(_ name: String) -> String? { environment[name].flatMap { $0.isEmpty ? nil : $0 } }
        alertmanagerToken = secret("ALERTMANAGER_TOKEN")
        genericWebhookToken = secret("GENERIC_WEBHOOK_TOKEN")
        genericWebhookSecret = secret("GENERIC_WEBHOOK_SECRET")
        pagerDutyRoutingKey = secret("PAGERDUTY_ROUTING_KEY")
        insightsPassword = secret("FIREBELL_INSIGHTS_PASSWORD")
        gitHubToken = secret("GITHUB_TOKEN")
        if let repository = secret("GITHUB_REPOSITORY") {
            let parts = repository.split(separator: "/", omittingEmptySubsequences: false)
            guard parts.count == 2, parts.allSatisfy({ !$0.isEmpty && $0.allSatisfy { $0.isLetter || $0.isNumber || "-_.".contains($0) } }) else {
                throw ConfigurationError("GITHUB_REPOSITORY: '\(repository)' is not owner/name (for example acme/ops).")
            }
            gitHubRepository = repository
        }
        if let url = secret("GITHUB_API_URL") { gitHubAPIURL = url }
        let jiraNames = ["JIRA_URL", "JIRA_EMAIL", "JIRA_API_TOKEN", "JIRA_PROJECT"]
        let jiraValues = jiraNames.map(secret)
        if jiraValues.contains(where: { $0 != nil }) {
            let missing = zip(jiraNames, jiraValues).filter { $0.1 == nil }.map(\.0)
            guard missing.isEmpty, let url = jiraValues[0], let email = jiraValues[1], let token = jiraValues[2], let project = jiraValues[3] else {
                throw ConfigurationError(
                    "Jira needs \(missing.joined(separator: ", ")) as well (it takes JIRA_URL, JIRA_EMAIL, JIRA_API_TOKEN and JIRA_PROJECT)."
                )
            }
            guard url.hasPrefix("https://") || url.hasPrefix("http://") else {
                throw ConfigurationError("JIRA_URL: '\(url)' is not a web address such as https://acme.atlassian.net.")
            }
            var settings = JiraIssues.Settings(url: url, email: email, apiToken: token, project: project)
            if let type = secret("JIRA_ISSUE_TYPE") { settings.issueType = type }
            if let done = secret("JIRA_DONE_TRANSITION") { settings.doneTransition = done }
            jira = settings
        }
        linearAPIKey = secret("LINEAR_API_KEY")
        linearTeamID = secret("LINEAR_TEAM_ID")
        if let url = secret("LINEAR_API_URL") { linearAPIURL = url }
        if (linearAPIKey == nil) != (linearTeamID == nil) {
            throw ConfigurationError("Linear needs both LINEAR_API_KEY and LINEAR_TEAM_ID.")
        }
        if (gitHubToken == nil) != (gitHubRepository == nil) {
            throw ConfigurationError("GitHub issues need both GITHUB_TOKEN and GITHUB_REPOSITORY.")
        }
        let trackers = [("Jira", jira != nil), ("Linear", linearAPIKey != nil), ("GitHub", gitHubToken != nil)].filter(\.1).map(\.0)
        if trackers.count > 1 {
            throw ConfigurationError("\(trackers.joined(separator: " and ")) are set up together: action items go to one tracker; keep one.")
        }
        for platform in chatPlatforms {
            if let settings = try platform.settingsType.init(environment: environment, file: file) { platforms.append(settings) }
        }
    }

    /// Takes the listening address and the platforms' URLs from the configuration (file and environment merged),
    /// and the secrets from the environment only.
    package init(configuration: FirebellConfiguration, environment: [String: String]) throws(ConfigurationError) {
        try self.init(environment: environment, file: configuration.platformKeys)
        if let host = configuration.httpHost { self.host = host }
        if let port = configuration.httpPort { self.port = port }
        statusPagePort = configuration.statusPagePort
        httpLimits = configuration.httpLimits
    }

    /// One platform's settings, when it is configured; setting them configures it (tests, embedding).
    package subscript<Settings: PlatformSettings>(_ type: Settings.Type) -> Settings? {
        get { platforms.lazy.compactMap { $0 as? Settings }.first }
        set {
            let index = platforms.firstIndex { $0 is Settings }
            switch (index, newValue) {
            case (let index?, let value?): platforms[index] = value
            case (let index?, nil): platforms.remove(at: index)
            case (nil, let value?): platforms.append(value)
            case (nil, nil): break
            }
        }
    }

    /// Whether any chat platform or alert intake is configured (otherwise `firebell` runs the console).
    package var hasPlatform: Bool {
        !platforms.isEmpty || alertmanagerToken != nil || genericWebhookToken != nil || genericWebhookSecret != nil
    }

    /// What is off because its secret is missing, one phrase each, for the start-up log line.
    package var featuresOff: [String] {
        var off: [String] = []
        for platform in chatPlatforms where platform.id != Console.id && !platforms.contains(where: { type(of: $0) == platform.settingsType }) {
            off.append("\(platform.displayName) (set \(platform.settingsType.enabledBy))")
        }
        if alertmanagerToken == nil { off.append("the Alertmanager webhook (set ALERTMANAGER_TOKEN)") }
        if genericWebhookToken == nil, genericWebhookSecret == nil {
            off.append("the generic alert webhook (set GENERIC_WEBHOOK_TOKEN or GENERIC_WEBHOOK_SECRET)")
        }
        if pagerDutyRoutingKey == nil { off.append("PagerDuty events (set PAGERDUTY_ROUTING_KEY)") }
        if jira == nil, linearAPIKey == nil, gitHubToken == nil {
            off.append(
                "action items in a tracker (set JIRA_URL, JIRA_EMAIL, JIRA_API_TOKEN and JIRA_PROJECT; or LINEAR_API_KEY and LINEAR_TEAM_ID; "
                    + "or GITHUB_TOKEN and GITHUB_REPOSITORY)"
            )
        }
        return off
    }
}
