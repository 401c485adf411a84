import Hummingbird
import IncidentKit
import Messaging

/// Microsoft Teams through the Bot Framework: activities at `POST /teams/messages`, each verified by its Bot
/// Connector token before it is parsed; posts through the Bot Connector API; buttons as Adaptive Cards.
package struct Teams: ChatPlatform {
    package static let id = PlatformID.teams
    package static let displayName = "Microsoft Teams"
    package static let markup = Markup.teams
    package static let capabilities: PlatformCapabilities = [.edits, .threads, .buttons]

    package let settings: TeamsSettings
    let connector: TeamsConnector
    let authenticator: BotFrameworkAuthenticator
    private let context: PlatformContext

    package init(settings: TeamsSettings, context: PlatformContext) {
        self.settings = settings
        self.context = context
        let serviceURLs = TeamsServiceURLs(file: context.dataDirectory.appendingPathComponent("teams/service-urls.json"))
        connector = TeamsConnector(
            token: BotConnectorToken(settings: settings, client: context.httpClient, timeout: context.requestTimeout),
            serviceURLs: serviceURLs,
            client: context.httpClient,
            timeout: context.requestTimeout
        )
        authenticator = BotFrameworkAuthenticator(
            appID: settings.appID,
            metadataURL: settings.openIDMetadataURL,
            client: context.httpClient,
            refetchInterval: settings.keyRefetchInterval
        )
    }

    package var delivery: (any ChatDelivery)? { connector }

    /// `POST /teams/messages`.
    package func addRoutes(to router: Router<FirebellRequestContext>, transactions: any ChannelTransactions) {
        let middleware = TeamsAuthMiddleware(
            authenticator: authenticator,
            serviceURLs: connector.serviceURLs,
            people: connector.people,
            transactions: transactions,
            logger: context.logger
        )
        router.addRoutes(TeamsRoutes(transactions: transactions).collection(behind: middleware), atPath: "/teams")
    }

    /// The app manifest's bot with its command list (`commands/teams-manifest.json`).
    package static func commandRegistration(url: String?) -> String? { TeamsManifest.json(appID: "<MICROSOFT APP ID>") }
}
