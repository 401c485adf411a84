import ArgumentParser

/// The `firebell` command line.
@main
struct FirebellCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "firebell",
        abstract: "Chat-ops incident bot: declare, run and learn from incidents from a chat channel.",
        subcommands: [
            DefaultCommand.self, ConsoleCommand.self, ServeCommand.self, CheckConfigCommand.self, PostmortemCommand.self, ActionsCommand.self,
            ReportCommand.self,
            CommandsCommand.self, MigrateCommand.self,
        ],
        defaultSubcommand: DefaultCommand.self
    )
}
