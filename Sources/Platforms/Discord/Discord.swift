import Hummingbird
import IncidentKit
import Messaging

/// Discord: the interactions endpoint (Ed25519-verified), `/incident` as an application command with subcommands,
/// and REST delivery with the bot token.
public struct Discord: ChatPlatform {
    public static let id = PlatformID.discord
    public static let displayName = "Discord"
    public static let markup = Markup.discord
    public static let capabilities: PlatformCapabilities = [.edits, .threads, .ephemeralReplies]

    public let settings: DiscordSettings
    public let api: DiscordAPI
    private let context: PlatformContext

    public init(settings: DiscordSettings, context: PlatformContext) {
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

    public var delivery: (any ChatDelivery)? { api }

    /// The body for `PUT /applications/{id}/commands` (`commands/discord-commands.json`).
    public static func commandRegistration(url: String?) -> String? { DiscordCommandCatalog.registrationJSON }

    /// `POST /discord/interactions`.
    public func addRoutes(to router: Router<FirebellRequestContext>, transactions: any ChannelTransactions) {
        guard let verifier = DiscordVerifier(publicKeyHex: settings.publicKey) else { return }
        let routes = DiscordRoutes(transactions: transactions, api: api, logger: context.logger, deferAfter: settings.deferAfter)
        let middleware = DiscordSignatureMiddleware(verifier: verifier, transactions: transactions, logger: context.logger)
        router.addRoutes(routes.collection(behind: middleware), atPath: "/discord")
    }
}
