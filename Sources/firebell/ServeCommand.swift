import ArgumentParser
import AsyncHTTPClient
import EtcdStore
import FirebellServer
import Foundation
import Logging

/// `firebell serve`: the long-running service for chat platforms.
struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Run the HTTP service for chat platforms (Slack). Secrets come from the environment."
    )

    @OptionGroup var options: DataOptions

    func run() async throws {
        let environment = ProcessInfo.processInfo.environment
        let configuration = try options.loadConfiguration()
        let settings: ServeSettings
        do { settings = try ServeSettings(configuration: configuration, environment: environment) } catch {
            throw UserFacingFailure(description: "firebell: \(error)")
        }
        var logger = Logger(label: "firebell")
        logger.logLevel = environment["FIREBELL_LOG_LEVEL"].flatMap(Logger.Level.init(rawValue:)) ?? .info
        if !settings.hasPlatform {
            logger.warning(
                "no chat platform is configured (the next line names what turns each on); only /healthz, /readyz, /metrics and the status page (/status) answer"
            )
        }
        let httpClient = HTTPClient(eventLoopGroupProvider: .singleton)
        // etcd gets its own client: a pool sized for the commands in flight, apart from the chat platforms'.
        let etcdClient = HTTPClient(eventLoopGroupProvider: .singleton, configuration: EtcdClient.httpConfiguration)
        do {
            let store = try await configuration.store.open(httpClient: etcdClient)
            let firebell = try FirebellApplication(
                configuration: configuration,
                settings: settings,
                httpClient: httpClient,
                store: store,
                logger: logger
            )
            // Said once the socket is bound: a port already in use ends the start with its error, never "listening".
            let data = firebell.service.store.location
            let announcer = logger
            try await firebell.application { address in
                announcer.info("listening", metadata: ["address": "\(address)", "data": "\(data)"])
            }.runService()
        } catch {
            try? await etcdClient.shutdown()
            try? await httpClient.shutdown()
            throw UserFacingFailure(description: "firebell: \(error)")
        }
        try await etcdClient.shutdown()
        try await httpClient.shutdown()
    }
}

/// `firebell` alone: serve when a chat platform is configured, else a console drill.
struct DefaultCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "start",
        abstract: "Serve if a platform is configured, else the console.",
        shouldDisplay: false
    )

    @OptionGroup var options: DataOptions

    func run() async throws {
        let settings = try? ServeSettings(environment: ProcessInfo.processInfo.environment)
        // Parsed rather than constructed: ArgumentParser values exist only on parsed commands.
        let arguments = (options.config.map { ["--config", $0] } ?? []) + (options.data.map { ["--data", $0] } ?? [])
        if settings?.hasPlatform == true {
            try await ServeCommand.parse(arguments).run()
        } else {
            try await ConsoleCommand.parse(arguments).run()
        }
    }
}
