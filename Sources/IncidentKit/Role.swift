/// An incident role a responder can hold.
package enum Role: String, Codable, Sendable, CaseIterable {
    case ic, lead, scribe, comms

    /// "Incident Commander", "Tech Lead", …
    package var title: String {
        switch self {
        case .ic: "Incident Commander"
        case .lead: "Tech Lead"
        case .scribe: "Scribe"
        case .comms: "Communications Lead"
        }
    }

    /// Accepts the short names and the common spellings responders type.
    package init?(parsing text: String) {
        switch text.lowercased() {
        case "ic", "commander", "incident-commander": self = .ic
        case "lead", "tl", "tech-lead", "techlead": self = .lead
        case "scribe": self = .scribe
        case "comms", "communications", "comms-lead", "cl": self = .comms
        default: return nil
        }
    }
}
