import Foundation
import IncidentKit

/// The settings that register `/incident` as a Mattermost custom slash command (the body of
/// `POST /api/v4/commands`, or the fields of System Console → Integrations → Slash Commands).
package enum MattermostCommandSettings {
    /// The verbs shown as the autocomplete hint.
    package static var hint: String { VerbCatalog.verbs.map(\.name).joined(separator: "|") }

    /// `url` is where Mattermost reaches Firebell; `teamID` is the team to add the command to.
    package static func json(url: String = "https://firebell.example.com/mattermost/commands", teamID: String = "<team id>") -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        let settings = Registration(teamID: teamID, url: url, autoCompleteHint: "[\(hint)]")
        return String(decoding: (try? encoder.encode(settings)) ?? Data(), as: UTF8.self) + "\n"
    }

    /// The body of `POST /api/v4/commands`.
    struct Registration: Encodable {
        var teamID: String
        var trigger = "incident"
        var method = "P"
        var url: String
        var username = "firebell"
        var displayName = "Firebell"
        var description = "Run an incident: declare, update, resolve, learn."
        var autoComplete = true
        var autoCompleteDesc = "Incident commands (try: /incident help)"
        var autoCompleteHint: String

        enum CodingKeys: String, CodingKey {
            case trigger, method, url, username, description
            case teamID = "team_id"
            case displayName = "display_name"
            case autoComplete = "auto_complete"
            case autoCompleteDesc = "auto_complete_desc"
            case autoCompleteHint = "auto_complete_hint"
        }
    }
}
