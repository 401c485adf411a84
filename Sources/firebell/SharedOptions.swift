import ArgumentParser
import FirebellServer
import Foundation

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
