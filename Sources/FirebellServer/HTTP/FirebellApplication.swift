import AsyncHTTPClient
import EtcdStore
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdCore
import IncidentKit
import IncidentStore
import Logging
import NIOCore
import Platforms
import ServiceLifecycle

/// Everything `firebell serve` runs, wired together: service, outbox, timers, the configured chat platforms, and the
/// HTTP routes.
package struct FirebellApplication: Sendable {
    package let service: IncidentService
    package let outbox: OutboxDispatcher
    package let settings: ServeSettings
    /// Where the events are kept, and (on etcd) how leadership is held.
    let storeSettings: StoreSettings
    package let metrics = FirebellMetrics()
    /// The chat platforms whose settings are present, started.
    package let platforms: [any ChatPlatform]
    /// Keeps the HTTP server's connections within the configured limits and timeouts.
    package let httpConnections: ConnectionGuard
    let statusPage: StatusPageRoutes
    let insights: InsightsRoutes
    let alertRoutes: AlertRoutes
    let logger: Logger
    /// The `Server` header of every answer.
    static let serverName = "firebell"

    /// Opens the data folder (or takes `store`, opened: etcd), starts each configured platform, and prepares delivery
    /// through `httpClient`.
    package init(
        configuration: FirebellConfiguration,
        settings: ServeSettings,
        httpClient: HTTPClient,
        clock: any SchedulerClock = SystemWallClock(),
        deliveryPolicy: DeliveryPolicy = DeliveryPolicy(),
        store: OpenedStore? = nil,
        logger: Logger
    ) throws {
        self.settings = settings
        self.storeSettings = configuration.store
        self.logger = logger
        let context = PlatformContext(
            httpClient: httpClient,
            dataDirectory: configuration.dataDirectory,
            requestTimeout: TimeAmount(deliveryPolicy.requestTimeout),
            pinReaction: configuration.pinReaction,
            logger: logger
        )
        platforms = try settings.platforms.map { try Self.start($0, context: context) }
        // War rooms where Firebell can both create channels and post to them.
        var configuration = configuration
        configuration.engine.warRooms.platforms = Set(
            platforms.filter { $0.delivery != nil && $0.platformCapabilities.contains(.channelCreation) }.map(\.platformID)
        )
        let off = settings.featuresOff
        if !off.isEmpty { logger.info("off for want of a secret: \(off.joined(separator: "; "))") }
        var deliveries: [PlatformID: any ChatDelivery] = [:]
        for platform in platforms {
            if let delivery = platform.delivery { deliveries[platform.platformID] = delivery }
        }
        let pagerDuty = settings.pagerDutyRoutingKey.map {
            PagerDutyEvents(url: configuration.pagerDutyURL, routingKey: $0, client: httpClient, timeout: context.requestTimeout)
        }
        let gitHub = settings.gitHubToken.flatMap { token in
            settings.gitHubRepository.map {
                GitHubIssues(apiURL: settings.gitHubAPIURL, repository: $0, token: token, client: httpClient, timeout: context.requestTimeout)
            }
        }
        let jira = settings.jira.map { JiraIssues(settings: $0, client: httpClient, timeout: context.requestTimeout) }
        let linear = settings.linearAPIKey.flatMap { key in
            settings.linearTeamID.map {
                LinearIssues(url: settings.linearAPIURL, apiKey: key, teamID: $0, client: httpClient, timeout: context.requestTimeout)
            }
        }
        let tracker: (any ChatDelivery)? = jira ?? linear ?? gitHub
        let metrics = metrics
        httpConnections = ConnectionGuard(limits: settings.httpLimits, logger: logger) { metrics.connectionClosed($0.rawValue) }
        outbox = OutboxDispatcher(
            dataDirectory: configuration.dataDirectory,
            deliveries: deliveries,
            pagerDuty: pagerDuty,
            tracker: tracker,
            policy: deliveryPolicy,
            leaderOnly: store?.store is EtcdEventStore,
            logger: logger,
            report: { metrics.delivery($0) }
        )
        service = try IncidentService(
            configuration: configuration,
            clock: clock,
            logger: logger,
            metrics: metrics,
            pagerDuty: pagerDuty != nil,
            tracker: tracker != nil,
            sink: outbox,
            store: store
        )
        outbox.connect(TrackerBridge(service: service))
        outbox.connect(WarRoomBridge(service: service))
        // On a cluster delivery's bookkeeping is read from etcd each time this replica is elected.
        if !(service.store is EtcdEventStore) { metrics.damagedLedgerLines(try outbox.prepare(lastSequences: service.lastSequencesAtStart)) }
        statusPage = StatusPageRoutes(service: service, settings: configuration.statusPage, engine: configuration.engine)
        insights = InsightsRoutes(
            service: service,
            engine: configuration.engine,
            access: InsightsAccessMiddleware(password: settings.insightsPassword)
        )
        alertRoutes = AlertRoutes(
            service: service,
            routing: configuration.alertRouting,
            alertmanager: WebhookAuthenticator(token: settings.alertmanagerToken, signingSecret: nil),
            generic: WebhookAuthenticator(token: settings.genericWebhookToken, signingSecret: settings.genericWebhookSecret),
            logger: logger
        )
    }

    /// Starts one platform from its settings (the settings' type names the platform).
    private static func start(_ settings: any PlatformSettings, context: PlatformContext) throws -> any ChatPlatform {
        for platform in chatPlatforms where platform.settingsType == type(of: settings) {
            return try platform.start(settings, context: context)
        }
        throw ConfigurationError("settings of no known platform: \(type(of: settings))")
    }

    /// The Hummingbird application, with the timer loop, the outbox and the platforms' connections as services of
    /// its lifecycle; with a status page port (`statusPagePort` or the configured one), the ``StatusListener`` too.
    /// `onListening` runs once the socket is bound, with the address it is bound to.
    package func application(
        port: Int? = nil,
        statusPagePort: Int? = nil,
        onListening: @escaping @Sendable (String) async -> Void = { _ in }
    ) -> some ApplicationProtocol {
        let router = FirebellRouter.build(
            service: service,
            outbox: outbox,
            platforms: platforms,
            groups: [statusPage, insights, alertRoutes],
            metrics: metrics
        )
        let connections = httpConnections
        logger.info(
            "HTTP limits",
            metadata: [
                "max_connections": "\(connections.maxConnections)", "open_file_limit": "\(HTTPLimits.openFileLimit())",
                "header_timeout": "\(connections.limits.headerTimeout)", "body_timeout": "\(connections.limits.bodyTimeout)",
                "idle_timeout": "\(connections.limits.idleTimeout)",
            ]
        )
        let serverName = Self.serverName
        let fastPaths = platforms.flatMap {
            $0.connectionHandlers(transactions: service, commonHeaders: { [.date: HTTPDate.now(), .server: serverName] })
        }
        return Application(
            router: router,
            server: Self.http1(connections, statusPage, fastPaths: fastPaths),
            configuration: .init(address: .hostname(settings.host, port: port ?? settings.port), serverName: Self.serverName),
            services: [BackgroundWork(service: service, outbox: outbox, connections: self.connections(), logger: logger)]
                + (statusListener(port: statusPagePort).map { [$0.application()] } ?? []),
            onServerRunning: { channel in await onListening(channel.localAddress.map { "\($0)" } ?? "") },
            logger: logger
        )
    }

    /// The status page's own listener, on `port` or the configured one; nil when neither is set.
    func statusListener(port: Int?) -> StatusListener? {
        guard let port = port ?? settings.statusPagePort else { return nil }
        return StatusListener(statusPage: statusPage, connections: httpConnections, host: settings.host, port: port, logger: logger)
    }

    /// HTTP/1.1 with the connection limits and timeouts, a current status page answered from the event loop, and the
    /// platforms' `fastPaths` (each makes one handler per connection) before the router.
    static func http1(
        _ connections: ConnectionGuard,
        _ statusPage: StatusPageRoutes,
        fastPaths: [@Sendable () -> any RemovableChannelHandler] = []
    ) -> HTTPServerBuilder {
        .http1(
            configuration: .init(
                additionalChannelHandlers: [ConnectionGuardHandler(connections), StatusPageFastPath(statusPage, serverName: serverName)]
                    + fastPaths.map { $0() }
            )
        )
    }

    /// The long-lived connections of the configured platforms: Slack Socket Mode, the Mattermost WebSocket, the
    /// Matrix `/sync` loop. Each runs until cancelled.
    func connections() -> [any Service] {
        var connections = platforms.flatMap { $0.connections(transactions: service) }
        if let etcd = service.store as? EtcdEventStore {
            connections.append(StoreFollower(service: service, store: etcd, logger: logger))
            let election = EtcdElection(client: etcd.client, keys: etcd.keys, ttl: storeSettings.leaseTTL, identity: storeSettings.replicaName)
            connections.append(
                LeaderElection(
                    service: service,
                    outbox: outbox,
                    store: etcd,
                    election: election,
                    writer: EtcdLedgerWriter(client: etcd.client),
                    metrics: metrics,
                    logger: logger
                )
            )
        }
        return connections
    }
}

extension ChatPlatform {
    /// This platform started from settings known to be its own.
    fileprivate static func start(_ settings: any PlatformSettings, context: PlatformContext) throws(ConfigurationError) -> any ChatPlatform {
        guard let own = settings as? Settings else { throw ConfigurationError("\(displayName) was given another platform's settings") }
        return try Self(settings: own, context: context)
    }
}

/// Runs the timer loop and the outbox for the life of the server; on shutdown, flushes what it can.
struct BackgroundWork: Service {
    let service: IncidentService
    let outbox: OutboxDispatcher
    let connections: [any Service]
    let logger: Logger
    static let flushDeadline: Duration = .seconds(10)
    /// How often channels changed since their last snapshot get a new one (and at start-up and shutdown).
    static let snapshotInterval: Duration = .seconds(600)

    func run() async throws {
        // What the logs still owe delivery goes first (a channel used meanwhile resumes its own before its command).
        await service.resumeDeliveries()
        await service.readModelReady()
        // On etcd the elected leader runs the timers (``LeaderElection``); on the data folder this process does.
        let timers = service.store is EtcdEventStore ? nil : Task { [service] in await TimerLoop(service: service).run() }
        let running = connections.map { connection in Task { try? await connection.run() } }
        let snapshots = Task { [service] in
            while !Task.isCancelled {
                await service.writeSnapshots()
                try? await Task.sleep(for: Self.snapshotInterval)
            }
        }
        try? await gracefulShutdown()
        for task in running { task.cancel() }
        timers?.cancel()
        snapshots.cancel()
        // The next start reads these instead of replaying every log.
        await service.writeSnapshots()
        let flushed = await outbox.flush(timeout: Self.flushDeadline)
        if !flushed { logger.warning("shutting down with undelivered messages; they are kept and sent after the next start") }
        outbox.stop()
    }
}
