import ArgumentParser
import FirebellServer
import Foundation
import Messaging

/// `firebell check-config`: validate a configuration file and say exactly what is wrong.
struct CheckConfigCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "check-config", abstract: "Validate a configuration file.")

    @Argument(help: "The configuration file (YAML).")
    var file: String

    func run() throws {
        do {
            let configuration = try ConfigurationLoader().load(file: URL(fileURLWithPath: file))
            _ = try TemplateLibrary(overrides: configuration.templatesDirectory)
            print("\(file): OK (data folder \(configuration.dataDirectory.path))")
        } catch {
            throw UserFacingFailure(description: "\(error)")
        }
    }
}
