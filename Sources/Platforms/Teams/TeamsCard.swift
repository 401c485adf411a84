import Foundation
import IncidentKit

/// The Adaptive Card (1.4) Firebell posts where a message is the incident's headline or carries the quick actions:
/// the text, one block per line, and `Action.Execute` buttons (Acknowledge, Post update, Snooze 30 min) that come
/// back as `adaptiveCard/action` invokes with the incident in their data.
struct TeamsCard: Encodable, Equatable {
    struct TextBlock: Encodable, Equatable {
        let type = "TextBlock"
        var text: String
        var wrap = true
        var weight: String?
    }

    struct Action: Encodable, Equatable {
        let type = "Action.Execute"
        var title: String
        var verb: String
        var data: TeamsCardActionData
    }

    let type = "AdaptiveCard"
    let version = "1.4"
    var body: [TextBlock]
    var actions: [Action]?

    enum CodingKeys: String, CodingKey {
        case type, version, body, actions
        case schema = "$schema"
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode("http://adaptivecards.io/schemas/adaptive-card.json", forKey: .schema)
        try container.encode(type, forKey: .type)
        try container.encode(version, forKey: .version)
        try container.encode(body, forKey: .body)
        try container.encodeIfPresent(actions, forKey: .actions)
    }

    /// The verbs of the buttons, and what each runs.
    static let acknowledge = "ack"
    static let postUpdate = "update"
    static let snooze = "snooze30"

    /// A card of the message's text (Teams markup made plain: cards do not read HTML), with the buttons when offered.
    init(text: String, actionsFor incident: IncidentID?) {
        let lines = TeamsCard.plainLines(text)
        body = lines.enumerated().map { index, line in
            TextBlock(text: TeamsCard.literal(line), weight: index == 0 ? "bolder" : nil)
        }
        actions = incident.map { id in
            let data = TeamsCardActionData(incident: id.description)
            return [
                Action(title: "Acknowledge", verb: Self.acknowledge, data: data),
                Action(title: "Post update", verb: Self.postUpdate, data: data),
                Action(title: "Snooze 30 min", verb: Self.snooze, data: data),
            ]
        }
    }

    /// The lines of a Teams-markup text as a reader sees them: tags taken out, entities decoded.
    static func plainLines(_ text: String) -> [String] {
        HTMLText.plain(text).split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
    }

    /// A card's text blocks read a little Markdown; backslashes keep user text literal.
    static func literal(_ line: String) -> String {
        var out = ""
        for character in line {
            if "\\*_~[]()#>`|".contains(character) { out.append("\\") }
            out.append(character)
        }
        return out.isEmpty ? " " : out
    }
}
