import Foundation
import IncidentKit

/// The Teams app manifest's bot, with the command menu Teams shows after `@Firebell` (`commands/teams-manifest.json`).
/// Teams allows 10 commands in a list, titles of 32 characters and descriptions of 128; the menu offers the verbs
/// of an incident's first hour, and `help` lists the rest.
package enum TeamsManifest {
    /// The verbs in the menu, in the order of an incident.
    static let menu = ["declare", "ack", "sev", "role", "status", "update", "note", "mitigated", "resolve", "help"]

    struct Manifest: Encodable {
        struct Developer: Encodable {
            var name = "Firebell"
            var websiteUrl = "https://firebell.example.com"
            var privacyUrl = "https://firebell.example.com/privacy"
            var termsOfUseUrl = "https://firebell.example.com/terms"
        }
        struct Name: Encodable {
            var short = "Firebell"
            var full = "Firebell incident bot"
        }
        struct Description: Encodable {
            var short = "Run incidents from the channel."
            var full = "Declare, update and resolve incidents with @Firebell commands; stakeholder updates on schedule."
        }
        struct Icons: Encodable {
            var outline = "outline.png"
            var color = "color.png"
        }
        struct Bot: Encodable {
            var botId: String
            var scopes = ["personal", "team", "groupChat"]
            var supportsFiles = false
            var isNotificationOnly = false
            var commandLists: [CommandList]
        }
        struct CommandList: Encodable {
            var scopes: [String]
            var commands: [MenuCommand]
        }
        struct MenuCommand: Encodable, Equatable {
            var title: String
            var description: String
        }
        /// The message actions: action commands of a message extension, in the ⋯ menu of any message.
        struct ComposeExtension: Encodable {
            var botId: String
            var commands: [ActionCommand]
        }
        struct ActionCommand: Encodable {
            struct Parameter: Encodable {
                struct Choice: Encodable {
                    var title: String
                    var value: String
                }
                var name: String
                var title: String
                var description: String
                var inputType: String
                var choices: [Choice]?
            }
            var id: String
            var type = "action"
            var title: String
            var description: String
            var context = ["message"]
            var fetchTask = false
            var parameters: [Parameter]
        }

        var schema = "https://developer.microsoft.com/en-us/json-schemas/teams/v1.17/MicrosoftTeams.schema.json"
        var manifestVersion = "1.17"
        var version = "1.0.0"
        var id: String
        var developer = Developer()
        var name = Name()
        var description = Description()
        var icons = Icons()
        var accentColor = "#D83B01"
        var bots: [Bot]
        var composeExtensions: [ComposeExtension]
        var permissions = ["identity", "messageTeamMembers"]
        var validDomains = ["firebell.example.com"]

        enum CodingKeys: String, CodingKey {
            case manifestVersion, version, id, developer, name, description, icons, accentColor, bots, composeExtensions, permissions, validDomains
            case schema = "$schema"
        }
    }

    /// The menu: each verb's name and its summary, cut to Teams' limits.
    static var commands: [Manifest.MenuCommand] {
        menu.compactMap { name in
            VerbCatalog.verbs.first { $0.name == name }.map {
                Manifest.MenuCommand(title: String($0.name.prefix(32)), description: String($0.summary.prefix(128)))
            }
        }
    }

    /// "Declare incident" asks the severity (a static form: Teams wants at least one parameter); "Add to timeline"
    /// takes an optional note, which Teams requires as well.
    static var actions: [Manifest.ActionCommand] {
        let severities = Severity.allCases.map {
            Manifest.ActionCommand.Parameter.Choice(title: "\($0) – \(SeverityPolicyTable.standard[$0].label)", value: "sev\($0.rawValue)")
        }
        return TeamsMessageAction.allCases.map { action in
            switch action {
            case .declareIncident:
                Manifest.ActionCommand(
                    id: action.rawValue,
                    title: "Declare incident",
                    description: "Declare an incident from this message (first line = title)",
                    parameters: [
                        .init(name: "severity", title: "Severity", description: "How bad is it?", inputType: "choiceset", choices: severities)
                    ]
                )
            case .addToTimeline:
                Manifest.ActionCommand(
                    id: action.rawValue,
                    title: "Add to timeline",
                    description: "Put this message on the incident's timeline",
                    parameters: [
                        .init(name: "note", title: "Note", description: "Optional; the message is what goes on the timeline", inputType: "text")
                    ]
                )
            }
        }
    }

    /// The manifest, for an app whose bot has `appID`.
    package static func json(appID: String) -> String {
        let list = Manifest.CommandList(scopes: ["team", "groupChat", "personal"], commands: commands)
        let manifest = Manifest(
            id: appID,
            bots: [Manifest.Bot(botId: appID, commandLists: [list])],
            composeExtensions: [Manifest.ComposeExtension(botId: appID, commands: actions)]
        )
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return String(decoding: (try? encoder.encode(manifest)) ?? Data(), as: UTF8.self) + "\n"
    }
}
