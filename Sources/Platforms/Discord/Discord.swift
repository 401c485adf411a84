import Hummingbird
import IncidentKit
import Messaging

/// Discord: the interactions endpoint (Ed25519-verified), `/incident` as an application command with subcommands,
/// and REST delivery with the bot token.
package struct Discord: ChatPlatform {
    package static let id = PlatformID.discord
    package static let displayName = "Discord"
    package static let markup = Markup.discord
    package static let capabilities: PlatformCapabilities = [.channelCreation, .edits, .threads, .ephemeralReplies]

    package let settings: DiscordSettings
    package let api: DiscordAPI
    private let context: PlatformContext

    package init(settings: DiscordSettings, context: PlatformContext) {
        self.settings = settings
        self.context = context
        api = DiscordAPI(
            baseURL: settings.apiURL,
            applicationID: settings.applicationID,
            botToken: settings.botToken,
            client: context.httpClient,
            timeout: context.requestTimeout
        )
    }

    package var delivery: (any ChatDelivery)? { api }

    /// The body for `PUT /applications/{id}/commands` (`commands/discord-commands.json`).
    package static func commandRegistration(url: String?) -> String? { DiscordCommandCatalog.registrationJSON }

    /// `POST /discord/interactions`.
    package func addRoutes(to router: Router<FirebellRequestContext>, transactions: any ChannelTransactions) {
        guard let verifier = DiscordVerifier(publicKeyHex: settings.publicKey) else { return }
        let routes = DiscordRoutes(transactions: transactions, api: api, logger: context.logger, deferAfter: settings.deferAfter)
        let middleware = DiscordSignatureMiddleware(verifier: verifier, transactions: transactions, logger: context.logger)
        router.addRoutes(routes.collection(behind: middleware), atPath: "/discord")
    }
}
