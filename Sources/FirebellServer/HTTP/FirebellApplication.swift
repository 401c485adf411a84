import AsyncHTTPClient
import Foundation
import Hummingbird
import IncidentKit
import IncidentStore
import Logging
import NIOCore
import Platforms
import ServiceLifecycle
import Synchronization

/// Everything `firebell serve` runs, wired together: service, outbox, timers and HTTP routes.
public struct FirebellApplication: Sendable {
    public let service: IncidentService
    public let outbox: OutboxDispatcher
    public let settings: ServeSettings
    public let metrics = FirebellMetrics()
    /// Whether the Socket Mode connection is up (always true when Socket Mode is not used).
    public let slackConnected: ConnectionStatus
    /// The first delay before a Socket Mode reconnect (it doubles up to 30 s).
    public var socketModeBackoff: Duration = .seconds(1)
    let slackAPI: SlackWebAPI?
    let slackHandler: SlackHandler
    let statusPage: StatusPageRoutes
    let alertRoutes: AlertRoutes
    /// Route groups beyond Slack's: status page, alert webhooks, Mattermost, Discord.
    var routeGroups: [any RouteGroup] = []
    let matrixSession: MatrixSession?
    /// The Matrix `/sync` reader, when Matrix is configured.
    var matrixLoop: MatrixSyncLoop?
    let httpClient: HTTPClient
    let logger: Logger

    /// Opens the data folder and prepares delivery through `httpClient`.
    public init(
        configuration: FirebellConfiguration,
        settings: ServeSettings,
        httpClient: HTTPClient,
        clock: any SchedulerClock = SystemWallClock(),
        deliveryPolicy: DeliveryPolicy = DeliveryPolicy(),
        logger: Logger
    ) throws {
        self.settings = settings
        self.logger = logger
        var deliveries: [PlatformID: any ChatDelivery] = [:]
        let timeout = TimeAmount.milliseconds(Int64(deliveryPolicy.requestTimeout / .milliseconds(1)))
        slackAPI = settings.slackBotToken.map { SlackWebAPI(baseURL: settings.slackAPIURL, token: $0, client: httpClient, timeout: timeout) }
        if let slackAPI { deliveries[.slack] = slackAPI }
        if let mattermost = settings.mattermost {
            deliveries[.mattermost] = MattermostAPI(baseURL: mattermost.url, botToken: mattermost.botToken, client: httpClient, timeout: timeout)
        }
        let discordAPI = settings.discord.map {
            DiscordAPI(baseURL: $0.apiURL, applicationID: $0.applicationID, botToken: $0.botToken, client: httpClient, timeout: timeout)
        }
        if let discordAPI { deliveries[.discord] = discordAPI }
        matrixSession = settings.matrix.map { matrix in
            let credentials: MatrixSession.Credentials =
                matrix.accessToken.map { .accessToken($0) }
                ?? .password(user: matrix.user ?? "", password: matrix.password ?? "")
            return MatrixSession(homeserver: matrix.homeserver, credentials: credentials, client: httpClient)
        }
        if let matrixSession { deliveries[.matrix] = MatrixDelivery(session: matrixSession) }
        let pagerDuty = settings.pagerDutyRoutingKey.map {
            PagerDutyEvents(url: configuration.pagerDutyURL, routingKey: $0, client: httpClient, timeout: timeout)
        }
        self.httpClient = httpClient
        slackConnected = ConnectionStatus(initially: settings.slackAppToken == nil)
        let metrics = metrics
        outbox = OutboxDispatcher(
            dataDirectory: configuration.dataDirectory,
            deliveries: deliveries,
            pagerDuty: pagerDuty,
            policy: deliveryPolicy,
            logger: logger,
            report: { metrics.delivery($0) }
        )
        service = try IncidentService(
            configuration: configuration,
            clock: clock,
            logger: logger,
            metrics: metrics,
            pagerDuty: pagerDuty != nil,
            sink: outbox
        )
        metrics.damagedLedgerLines(try outbox.prepare(lastSequences: service.lastSequencesAtStart))
        slackHandler = SlackHandler(service: service, slackAPI: slackAPI, logger: logger)
        statusPage = StatusPageRoutes(service: service, settings: configuration.statusPage, engine: configuration.engine)
        alertRoutes = AlertRoutes(
            service: service,
            routing: configuration.alertRouting,
            alertmanager: WebhookAuthenticator(token: settings.alertmanagerToken, signingSecret: nil),
            generic: WebhookAuthenticator(token: settings.genericWebhookToken, signingSecret: settings.genericWebhookSecret),
            logger: logger
        )
        var groups: [any RouteGroup] = [statusPage, alertRoutes]
        if let mattermost = settings.mattermost, let verifier = MattermostTokenVerifier(commandToken: mattermost.commandToken) {
            groups.append(MattermostRoutes(service: service, verifier: verifier, logger: logger))
        }
        if let discord = settings.discord, let discordAPI, let verifier = DiscordVerifier(publicKeyHex: discord.publicKey) {
            groups.append(DiscordRoutes(service: service, verifier: verifier, api: discordAPI, logger: logger))
        }
        routeGroups = groups
        matrixLoop = matrixSession.map {
            MatrixSyncLoop(session: $0, service: service, sinceFile: DataLayout(root: configuration.dataDirectory).matrixSyncFile, logger: logger)
        }
    }

    /// The Hummingbird application, with the timer loop and the outbox as services of its lifecycle.
    public func application(port: Int? = nil) -> some ApplicationProtocol {
        let verifier = settings.slackSigningSecret.flatMap { SlackRequestVerifier(signingSecret: $0) }
        let router = FirebellRouter.build(
            service: service,
            outbox: outbox,
            slack: verifier.map { (slackHandler, $0) },
            groups: routeGroups,
            slackConnected: slackConnected,
            metrics: metrics,
            logger: logger
        )
        return Application(
            router: router,
            configuration: .init(address: .hostname(settings.host, port: port ?? settings.port), serverName: "firebell"),
            services: [BackgroundWork(service: service, outbox: outbox, connections: connections(), logger: logger)],
            logger: logger
        )
    }

    /// The long-lived connections to chat platforms that are configured: Slack Socket Mode, the Mattermost
    /// WebSocket, the Matrix `/sync` loop. Each runs until cancelled.
    func connections() -> [@Sendable () async -> Void] {
        var loops: [@Sendable () async -> Void] = []
        if let socketMode = socketModeClient() { loops.append { await socketMode.run() } }
        if let matrixLoop { loops.append { await matrixLoop.run() } }
        if let mattermost = settings.mattermost, mattermost.webSocket {
            let service = service
            let client = MattermostWebSocketClient(baseURL: mattermost.url, botToken: mattermost.botToken, httpClient: httpClient, logger: logger) {
                event in
                _ = await service.transact(.command(event.command, delivery: event.postID, answer: .reply(confirmations: true)))
            }
            loops.append { await client.run() }
        }
        return loops
    }

    /// The Socket Mode connection, when an app token is configured.
    func socketModeClient() -> SlackSocketModeClient? {
        guard let appToken = settings.slackAppToken else { return nil }
        let router = SlackSocketModeRouter(handler: slackHandler)
        let status = slackConnected
        var client = SlackSocketModeClient(
            apiBaseURL: settings.slackAPIURL,
            appToken: appToken,
            httpClient: httpClient,
            logger: logger,
            connectionChanged: { status.set($0) },
            handle: { await router.handle($0) }
        )
        client.initialBackoff = socketModeBackoff
        return client
    }
}

/// Runs the timer loop and the outbox for the life of the server; on shutdown, flushes what it can.
struct BackgroundWork: Service {
    let service: IncidentService
    let outbox: OutboxDispatcher
    let connections: [@Sendable () async -> Void]
    let logger: Logger
    static let flushDeadline: Duration = .seconds(10)
    /// How often channels changed since their last snapshot get a new one (and at start-up and shutdown).
    static let snapshotInterval: Duration = .seconds(600)

    func run() async throws {
        // What the logs still owe delivery goes first (a channel used meanwhile resumes its own before its command).
        await service.resumeDeliveries()
        let timers = Task { [service] in await TimerLoop(service: service).run() }
        let running = connections.map { connection in Task { await connection() } }
        let snapshots = Task { [service] in
            while !Task.isCancelled {
                await service.writeSnapshots()
                try? await Task.sleep(for: Self.snapshotInterval)
            }
        }
        try? await gracefulShutdown()
        for task in running { task.cancel() }
        timers.cancel()
        snapshots.cancel()
        // The next start reads these instead of replaying every log.
        await service.writeSnapshots()
        let flushed = await outbox.flush(timeout: Self.flushDeadline)
        if !flushed { logger.warning("shutting down with undelivered messages; they are kept and sent after the next start") }
        outbox.stop()
    }
}

/// Whether a connection is up, readable from any task.
public final class ConnectionStatus: Sendable {
    private let state: Mutex<Bool>
    public init(initially: Bool) { state = Mutex(initially) }
    public var isUp: Bool { state.withLock { $0 } }
    func set(_ up: Bool) { state.withLock { $0 = up } }
}
