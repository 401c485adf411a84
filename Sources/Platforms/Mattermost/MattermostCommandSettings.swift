import Foundation
import IncidentKit

/// The settings that register `/incident` as a Mattermost custom slash command (the body of
/// `POST /api/v4/commands`, or the fields of System Console → Integrations → Slash Commands).
public enum MattermostCommandSettings {
    /// The verbs shown as the autocomplete hint.
    public static var hint: String { VerbCatalog.verbs.map(\.name).joined(separator: "|") }

    /// `url` is where Mattermost reaches Firebell; `teamID` is the team to add the command to.
    public static func json(url: String = "https://firebell.example.com/mattermost/commands", teamID: String = "<team id>") -> String {
        let object: [String: Any] = [
            "team_id": teamID, "trigger": "incident", "method": "P", "url": url, "username": "firebell",
            "display_name": "Firebell", "description": "Run an incident: declare, update, resolve, learn.",
            "auto_complete": true, "auto_complete_desc": "Incident commands (try: /incident help)", "auto_complete_hint": "[\(hint)]",
        ]
        let data = try! JSONSerialization.data(withJSONObject: object, options: [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes])
        return String(decoding: data, as: UTF8.self) + "\n"
    }
}
