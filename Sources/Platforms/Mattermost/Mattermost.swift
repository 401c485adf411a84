import Hummingbird
import IncidentKit
import Messaging
import ServiceLifecycle

/// Mattermost: a custom slash command (token-checked), REST v4 delivery with the bot token, and optionally the
/// WebSocket API for `/incident …` messages and `@firebell …` mentions.
package struct Mattermost: ChatPlatform {
    package static let id = PlatformID.mattermost
    package static let displayName = "Mattermost"
    package static let markup = Markup.markdown
    package static let capabilities: PlatformCapabilities = [.edits, .threads, .ephemeralReplies, .channelCreation]

    package let settings: MattermostSettings
    package let api: MattermostAPI
    private let context: PlatformContext

    package init(settings: MattermostSettings, context: PlatformContext) {
        self.settings = settings
        self.context = context
        api = MattermostAPI(baseURL: settings.url, botToken: settings.botToken, client: context.httpClient, timeout: context.requestTimeout)
    }

    package var delivery: (any ChatDelivery)? { api }

    /// The body for `POST /api/v4/commands` (`commands/mattermost-slash-command.json`).
    package static func commandRegistration(url: String?) -> String? {
        MattermostCommandSettings.json(url: url ?? "https://firebell.example.com/mattermost/commands")
    }

    /// `POST /mattermost/commands`.
    package func addRoutes(to router: Router<FirebellRequestContext>, transactions: any ChannelTransactions) {
        guard let verifier = MattermostTokenVerifier(commandToken: settings.commandToken) else { return }
        let routes = MattermostRoutes(transactions: transactions)
        router.addRoutes(routes.collection(behind: MattermostTokenMiddleware(verifier: verifier, logger: context.logger)), atPath: "/mattermost")
    }

    /// The WebSocket connection, with `MATTERMOST_WEBSOCKET=true`.
    package func connections(transactions: any ChannelTransactions) -> [any Service] {
        guard settings.webSocket else { return [] }
        let client = MattermostWebSocketClient(
            baseURL: settings.url,
            botToken: settings.botToken,
            httpClient: context.httpClient,
            logger: context.logger,
            react: { [api, pinReaction = context.pinReaction, logger = context.logger] reaction in
                do {
                    guard let input = try await api.pin(for: reaction, pinReaction: pinReaction) else { return }
                    _ = try await transactions.transact(input)
                } catch {
                    logger.warning("could not put a pinned post on the timeline", metadata: ["post": "\(reaction.postID)", "reason": "\(error)"])
                }
            },
            handle: { [logger = context.logger] event in
                do {
                    _ = try await transactions.transact(.command(event.command, delivery: event.postID, answer: .reply(confirmations: true)))
                } catch {
                    logger.warning("ignored a post with an invalid id", metadata: ["post": "\(event.postID)", "reason": "\(error)"])
                }
            }
        )
        return [client]
    }
}
