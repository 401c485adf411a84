import Hummingbird
import IncidentKit
import Messaging
import ServiceLifecycle

/// Mattermost: a custom slash command (token-checked), REST v4 delivery with the bot token, and optionally the
/// WebSocket API for `/incident …` messages and `@firebell …` mentions.
public struct Mattermost: ChatPlatform {
    public static let id = PlatformID.mattermost
    public static let displayName = "Mattermost"
    public static let markup = Markup.markdown
    public static let capabilities: PlatformCapabilities = [.edits, .threads, .ephemeralReplies]

    public let settings: MattermostSettings
    public let api: MattermostAPI
    private let context: PlatformContext

    public init(settings: MattermostSettings, context: PlatformContext) {
        self.settings = settings
        self.context = context
        api = MattermostAPI(baseURL: settings.url, botToken: settings.botToken, client: context.httpClient, timeout: context.requestTimeout)
    }

    public var delivery: (any ChatDelivery)? { api }

    /// The body for `POST /api/v4/commands` (`commands/mattermost-slash-command.json`).
    public static func commandRegistration(url: String?) -> String? {
        MattermostCommandSettings.json(url: url ?? "https://firebell.example.com/mattermost/commands")
    }

    /// `POST /mattermost/commands`.
    public func addRoutes(to router: Router<FirebellRequestContext>, transactions: any ChannelTransactions) {
        guard let verifier = MattermostTokenVerifier(commandToken: settings.commandToken) else { return }
        let routes = MattermostRoutes(transactions: transactions)
        router.addRoutes(routes.collection(behind: MattermostTokenMiddleware(verifier: verifier, logger: context.logger)), atPath: "/mattermost")
    }

    /// The WebSocket connection, with `MATTERMOST_WEBSOCKET=true`.
    public func connections(transactions: any ChannelTransactions) -> [any Service] {
        guard settings.webSocket else { return [] }
        let client = MattermostWebSocketClient(
            baseURL: settings.url,
            botToken: settings.botToken,
            httpClient: context.httpClient,
            logger: context.logger
        ) { event in
            _ = await transactions.transact(.command(event.command, delivery: event.postID, answer: .reply(confirmations: true)))
        }
        return [client]
    }
}
