import ArgumentParser
import Platforms

/// `firebell commands <platform>`: print how `/incident` is registered on a platform, as the platform declares it.
struct CommandsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "commands",
        abstract: "Print the /incident command registration for a chat platform (discord, mattermost, teams)."
    )

    @Argument(help: "The platform: discord (PUT /applications/{id}/commands), mattermost (POST /api/v4/commands), teams (the app manifest).")
    var platform: String

    @Option(name: .long, help: "Where the platform reaches Firebell, for registrations that name it (Mattermost's /mattermost/commands).")
    var url: String?

    func validate() throws {
        guard registration != nil else {
            let known = chatPlatforms.filter { $0.commandRegistration(url: nil) != nil }.map { $0.id.name }
            throw ValidationError("No registration for '\(platform)'; one of: \(known.joined(separator: ", ")).")
        }
    }

    private var registration: String? {
        chatPlatforms.first { $0.id.name == platform.lowercased() }?.commandRegistration(url: url)
    }

    func run() {
        print(registration ?? "", terminator: "")
    }
}
