import ArgumentParser
import FirebellServer
import Foundation
import IncidentKit
import Logging
import Platforms

/// `firebell console`: run an incident drill in the terminal.
struct ConsoleCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "console",
        abstract: "Run Firebell in the terminal: one /incident command per line, interactive or piped."
    )

    @OptionGroup var options: DataOptions

    @Option(name: .long, help: "Channel name.")
    var channel = "incident"

    @Option(name: .long, help: "Who you are in the channel (a line '@bob: …' speaks as bob).")
    var user = ProcessInfo.processInfo.environment["USER"].flatMap { UserRef(mention: "@" + $0)?.id } ?? "responder"

    func run() async throws {
        guard let speaker = UserRef(mention: "@" + user) else { throw ValidationError("--user '\(user)' is not a valid user name.") }
        let configuration = try options.loadConfiguration()
        let logger = ConsoleLogging.logger()
        let output = ConsoleOutput()
        let service: IncidentService
        do {
            service = try await IncidentService.opening(configuration, logger: logger, sink: ConsoleSink(output: output))
        } catch {
            throw UserFacingFailure(description: "firebell: cannot open the data folder \(configuration.dataDirectory.path): \(error)")
        }
        let channelRef = ChannelRef(platform: .console, workspace: "local", channel: channel)
        if isatty(0) == 1 {
            FileHandle.standardError.write(
                Data(
                    "Firebell console: #\(channel) as @\(speaker.id), data in \(configuration.dataDirectory.path). Type /incident help; Ctrl-D quits.\n"
                        .utf8
                )
            )
        }
        let session = ConsoleSession(service: service, channel: channelRef, defaultUser: speaker, output: output)
        try await session.run(lines: StandardInputLines.stream())
    }
}

/// Logging for terminal use: warnings and errors to standard error, so the transcript stays clean.
enum ConsoleLogging {
    static func logger() -> Logger {
        var logger = Logger(label: "firebell", factory: { StreamLogHandler.standardError(label: $0) })
        let level = ProcessInfo.processInfo.environment["FIREBELL_LOG_LEVEL"].flatMap(Logger.Level.init(rawValue:))
        logger.logLevel = level ?? .warning
        return logger
    }
}
