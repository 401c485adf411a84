import Foundation

/// Microsoft Teams (Bot Framework): `TEAMS_APP_ID` turns it on; `TEAMS_APP_PASSWORD` and `TEAMS_TENANT_ID` get the
/// Bot Connector token (new bots are single-tenant); `TEAMS_OPENID_METADATA_URL` and `TEAMS_LOGIN_URL` point
/// elsewhere only for tests and sovereign clouds.
package struct TeamsSettings: PlatformSettings {
    package static let fileKeys: [String] = []
    package static let enabledBy = "TEAMS_APP_ID, TEAMS_APP_PASSWORD and TEAMS_TENANT_ID"

    /// The bot's Microsoft App ID: the audience of every inbound token, and the client id of the outbound one.
    package var appID: String
    package var appPassword: String
    package var tenantID: String
    /// Where the keys that sign inbound tokens are published.
    package var openIDMetadataURL = "https://login.botframework.com/v1/.well-known/openidconfiguration"
    /// Where the outbound token is asked for: `{login}/{tenant}/oauth2/v2.0/token`.
    package var loginURL = "https://login.microsoftonline.com"
    /// The least time between two fetches of the signing keys when a token names a key not yet known.
    package var keyRefetchInterval: Duration = .seconds(60)

    package init(appID: String, appPassword: String, tenantID: String) {
        self.appID = appID
        self.appPassword = appPassword
        self.tenantID = tenantID
    }

    package init?(environment: [String: String], file: [String: String]) throws(ConfigurationError) {
        guard let app = Self.value(environment, "TEAMS_APP_ID") else {
            guard Self.value(environment, "TEAMS_APP_PASSWORD") == nil else {
                throw ConfigurationError("TEAMS_APP_PASSWORD is set but TEAMS_APP_ID is not: Teams needs the bot's Microsoft App ID.")
            }
            return nil
        }
        guard let password = Self.value(environment, "TEAMS_APP_PASSWORD"), let tenant = Self.value(environment, "TEAMS_TENANT_ID") else {
            throw ConfigurationError(
                "Teams needs TEAMS_APP_PASSWORD and TEAMS_TENANT_ID with TEAMS_APP_ID (new bots are single-tenant: the tenant is the Azure bot's)."
            )
        }
        appID = app
        appPassword = password
        tenantID = tenant
        if let url = Self.value(environment, "TEAMS_OPENID_METADATA_URL") {
            openIDMetadataURL = try Self.httpURL(url, "TEAMS_OPENID_METADATA_URL")
        }
        if let url = Self.value(environment, "TEAMS_LOGIN_URL") { loginURL = try Self.httpURL(url, "TEAMS_LOGIN_URL") }
    }
}
