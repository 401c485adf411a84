import ArgumentParser
import AsyncHTTPClient
import FirebellServer
import Foundation
import Logging

/// Options every subcommand that opens the data folder takes.
struct DataOptions: ParsableArguments {
    @Option(name: .long, help: "Configuration file (YAML). Optional.")
    var config: String?

    @Option(name: .long, help: "Data folder (default ./data, or FIREBELL_DATA_DIR).")
    var data: String?

    func loadConfiguration() throws -> FirebellConfiguration {
        var configuration = try ConfigurationLoader().load(file: config.map { URL(fileURLWithPath: $0) })
        if let data { configuration.dataDirectory = URL(fileURLWithPath: data) }
        return configuration
    }
}

/// Prints a user-facing error and exits non-zero, without a stack trace.
struct UserFacingFailure: Error, CustomStringConvertible {
    let description: String
}

extension IncidentService {
    /// The service on the configured store: the data folder, or etcd (read through the shared HTTP client, which
    /// lives as long as the process).
    static func opening(_ configuration: FirebellConfiguration, logger: Logger, sink: (any EffectSink)? = nil) async throws -> IncidentService {
        let store = try await configuration.store.open(httpClient: .shared)
        return try IncidentService(configuration: configuration, logger: logger, sink: sink, store: store)
    }
}
