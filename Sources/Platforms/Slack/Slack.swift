import HTTPTypes
import Hummingbird
import IncidentKit
import Messaging
import NIOCore
import ServiceLifecycle

/// Slack: slash commands, `@firebell` mentions (Events API) and interactivity over signed HTTP, or all three over
/// Socket Mode; posts, edits and look-ups through the Web API.
package struct Slack: ChatPlatform {
    package static let id = PlatformID.slack
    package static let displayName = "Slack"
    package static let markup = Markup.slack
    package static let capabilities: PlatformCapabilities = [.edits, .threads, .ephemeralReplies, .directMessages, .buttons, .channelCreation]

    package let settings: SlackSettings
    /// The Web API, when a bot token is configured.
    package let api: SlackWebAPI?
    private let context: PlatformContext
    /// Whether the Socket Mode connection is up (always true without Socket Mode).
    let connected: ConnectionStatus

    package init(settings: SlackSettings, context: PlatformContext) {
        self.settings = settings
        self.context = context
        api = settings.botToken.map { SlackWebAPI(baseURL: settings.apiURL, token: $0, client: context.httpClient, timeout: context.requestTimeout) }
        connected = ConnectionStatus(initially: settings.appToken == nil)
    }

    package var delivery: (any ChatDelivery)? { api }

    func handler(_ transactions: any ChannelTransactions) -> SlackHandler {
        SlackHandler(transactions: transactions, slackAPI: api, pinReaction: context.pinReaction, logger: context.logger)
    }

    /// `/slack/commands`, `/slack/events` and `/slack/interactions`, when a signing secret is configured.
    package func addRoutes(to router: Router<FirebellRequestContext>, transactions: any ChannelTransactions) {
        guard let secret = settings.signingSecret, let verifier = SlackRequestVerifier(signingSecret: secret) else { return }
        let middleware = SlackSignatureMiddleware(verifier: verifier, transactions: transactions, logger: context.logger)
        router.addRoutes(SlackRoutes(handler: handler(transactions)).collection(behind: middleware), atPath: "/slack")
    }

    /// Slash commands served before the router (``SlackCommandFastPath``), when a signing secret is configured.
    package func connectionHandlers(
        transactions: any ChannelTransactions,
        commonHeaders: @escaping @Sendable () -> HTTPFields
    ) -> [@Sendable () -> any RemovableChannelHandler] {
        guard let secret = settings.signingSecret, let verifier = SlackRequestVerifier(signingSecret: secret) else { return [] }
        let handler = handler(transactions)
        return [{ SlackCommandFastPath(verifier: verifier, handler: handler, commonHeaders: commonHeaders) }]
    }

    /// The Socket Mode connection, when an app token is configured.
    package func connections(transactions: any ChannelTransactions) -> [any Service] {
        guard let appToken = settings.appToken else { return [] }
        let router = SlackSocketModeRouter(handler: handler(transactions))
        let status = connected
        var client = SlackSocketModeClient(
            apiBaseURL: settings.apiURL,
            appToken: appToken,
            httpClient: context.httpClient,
            logger: context.logger,
            connectionChanged: { status.set($0) },
            handle: { await router.handle($0) }
        )
        client.initialBackoff = settings.socketModeBackoff
        return [client]
    }

    package var notReadyReason: String? { connected.isUp ? nil : "the Slack Socket Mode connection is down" }
}
