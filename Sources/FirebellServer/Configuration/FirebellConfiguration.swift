import Foundation
import IncidentKit
import Messaging
import Platforms

/// Everything the operator configures, after the file and the environment are merged.
public struct FirebellConfiguration: Sendable {
    public var dataDirectory: URL
    /// A folder whose `<name>.mustache` files replace the shipped stakeholder templates.
    public var templatesDirectory: URL?
    public var engine: EngineConfiguration
    /// Where `firebell serve` listens, when the file or environment says.
    public var httpHost: String?
    public var httpPort: Int?
    /// Post Status Updates as replies in the incident's thread instead of new channel messages.
    public var statusUpdatesInThread = false
    /// Named groups of stakeholder channels (`executives`, `customers`, `status`, `team`, …) that the severity
    /// table's `audiences` refer to.
    public var stakeholderChannels: [String: [ChannelRef]] = [:]
    public var statusPage = StatusPageSettings()
    /// Where alerts from monitoring go, and how severe they are.
    public var alertRouting = AlertRouting()
    /// The chat platforms' own file keys (`slack_api_url`, `mattermost_url`, …: URLs only; their secrets come from the
    /// environment), by key, for each platform's settings to read.
    public var platformKeys: [String: String] = [:]
    /// The PagerDuty Events API v2 endpoint (used when `PAGERDUTY_ROUTING_KEY` is set).
    public var pagerDutyURL = "https://events.pagerduty.com/v2/enqueue"

    public init(dataDirectory: URL = URL(fileURLWithPath: "data"), templatesDirectory: URL? = nil, engine: EngineConfiguration = .standard) {
        self.dataDirectory = dataDirectory
        self.templatesDirectory = templatesDirectory
        self.engine = engine
    }
}
