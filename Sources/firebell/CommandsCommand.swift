import ArgumentParser
import Platforms

/// `firebell commands discord|mattermost`: print a platform's registration for `/incident`.
struct CommandsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "commands",
        abstract: "Print the /incident command registration for Discord or Mattermost."
    )

    enum Platform: String, ExpressibleByArgument, CaseIterable {
        case discord, mattermost
    }

    @Argument(help: "discord (the body for PUT /applications/{id}/commands) or mattermost (POST /api/v4/commands).")
    var platform: Platform

    @Option(name: .long, help: "Mattermost only: the URL where Mattermost reaches Firebell's /mattermost/commands.")
    var url: String = "https://firebell.example.com/mattermost/commands"

    func run() {
        switch platform {
        case .discord: print(DiscordCommandCatalog.registrationJSON, terminator: "")
        case .mattermost: print(MattermostCommandSettings.json(url: url), terminator: "")
        }
    }
}
