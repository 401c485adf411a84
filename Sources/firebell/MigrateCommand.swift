import ArgumentParser
import AsyncHTTPClient
import FirebellServer
import Foundation

/// `firebell migrate`: moves the events between the data folder and etcd, losslessly, in either direction.
struct MigrateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "migrate",
        abstract: "Copy every channel's events from one store to another (a data folder or etcd://host:port,…). Stop Firebell first."
    )

    @Option(help: "Where the events are: a data folder's path, or etcd://host:port,host:port.")
    var from: String

    @Option(help: "Where to copy them: an empty data folder, or etcd://host:port,… with nothing under the prefix.")
    var to: String

    @Option(help: "The etcd key prefix (default: FIREBELL_ETCD_PREFIX, else /firebell/).")
    var etcdPrefix: String?

    func run() async throws {
        let prefix = etcdPrefix ?? ProcessInfo.processInfo.environment["FIREBELL_ETCD_PREFIX"].flatMap { $0.isEmpty ? nil : $0 } ?? "/firebell/"
        guard let source = StoreMigration.Location(from, prefix: prefix) else {
            throw UserFacingFailure(description: "firebell migrate: --from '\(from)' is neither a folder nor etcd://host:port,…")
        }
        guard let target = StoreMigration.Location(to, prefix: prefix) else {
            throw UserFacingFailure(description: "firebell migrate: --to '\(to)' is neither a folder nor etcd://host:port,…")
        }
        let httpClient = HTTPClient(eventLoopGroupProvider: .singleton)
        do {
            let summary = try await StoreMigration.copy(from: source, to: target, httpClient: httpClient)
            try await httpClient.shutdown()
            print(
                "Copied \(summary.channels) channel(s), \(summary.records) event(s) and \(summary.incidentIDs) incident id(s) from \(source) to \(target)."
            )
        } catch {
            try? await httpClient.shutdown()
            throw UserFacingFailure(description: "firebell migrate: \(error) — nothing was changed in \(source).")
        }
    }
}
