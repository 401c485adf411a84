import IncidentKit
import Messaging

extension Markup {
    /// Teams message text with `textFormat: xml`: HTML-escaped user text, `<b>` labels, `<br>` line breaks, and
    /// mentions as `<at>…</at>` (each backed by a mention entity when delivered).
    package static let teams = Markup(name: "teams", style: TeamsMarkup())
}

struct TeamsMarkup: MarkupStyle {
    func escape(_ text: String) -> String {
        text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;").replacingOccurrences(of: ">", with: "&gt;")
            .replacingOccurrences(of: "\"", with: "&quot;")
    }
    func bold(_ text: String) -> String { "<b>\(text)</b>" }
    /// `<at>id</at>`: the connector turns each into a mention entity of that person.
    func mention(_ user: UserRef) -> String? { "<at>\(escape(user.id))</at>" }
    /// A bot cannot notify a whole Teams channel; the word stays as text.
    var channelMention: String { "@here" }
    var lineBreak: String { "<br>\n" }
}
