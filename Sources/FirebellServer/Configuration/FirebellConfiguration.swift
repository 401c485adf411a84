import Foundation
import IncidentKit
import Messaging
import Platforms

/// Everything the operator configures, after the file and the environment are merged.
package struct FirebellConfiguration: Sendable {
    package var dataDirectory: URL
    /// Where the events are kept: the data folder, or etcd (`store:`).
    package var store = StoreSettings()
    /// A folder whose `<name>.mustache` files replace the shipped stakeholder templates.
    package var templatesDirectory: URL?
    package var engine: EngineConfiguration
    /// Where `firebell serve` listens, when the file or environment says.
    package var httpHost: String?
    package var httpPort: Int?
    /// The status page's own listener (``StatusListener``); nil: the status page is served on the command port only.
    package var statusPagePort: Int?
    /// How many connections the HTTP server keeps and how long it waits for a request.
    package var httpLimits = HTTPLimits()
    /// Post Status Updates as replies in the incident's thread instead of new channel messages.
    package var statusUpdatesInThread = false
    /// Named groups of stakeholder channels (`executives`, `customers`, `status`, `team`, …) that the severity
    /// table's `audiences` refer to.
    package var stakeholderChannels: [String: [ChannelRef]] = [:]
    package var statusPage = StatusPageSettings()
    /// Where alerts from monitoring go, and how severe they are.
    package var alertRouting = AlertRouting()
    /// The chat platforms' own file keys (`slack_api_url`, `mattermost_url`, …: URLs only; their secrets come from the
    /// environment), by key, for each platform's settings to read.
    package var platformKeys: [String: String] = [:]
    /// The PagerDuty Events API v2 endpoint (used when `PAGERDUTY_ROUTING_KEY` is set).
    package var pagerDutyURL = "https://events.pagerduty.com/v2/enqueue"
    /// Runbooks by service or system (`runbooks:`), shown when no alert named one.
    package var runbooks = Runbooks()
    /// The reaction that puts a chat message on the incident's timeline (`pin_reaction:`, default `pushpin` 📌).
    package var pinReaction = PinReaction.pushpin
    /// The checklist each role's new holder receives (`briefings:`).
    package var briefings = RoleBriefings.standard

    package init(dataDirectory: URL = URL(fileURLWithPath: "data"), templatesDirectory: URL? = nil, engine: EngineConfiguration = .standard) {
        self.dataDirectory = dataDirectory
        self.templatesDirectory = templatesDirectory
        self.engine = engine
    }
}
