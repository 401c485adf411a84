import Foundation
import IncidentKit

/// One line typed into the console: who speaks (`@bob: …` speaks as bob) and what they typed.
package struct ConsoleLine: Equatable, Sendable {
    package var speaker: UserRef
    package var text: String

    /// Reads `@bob: /incident ack` as bob saying `/incident ack`; any other line is said by `defaultSpeaker`.
    package init(_ line: String, defaultSpeaker: UserRef) {
        let trimmed = line.trimmingCharacters(in: .whitespaces)
        if trimmed.hasPrefix("@"), let colon = trimmed.firstIndex(of: ":"),
            let user = UserRef(mention: String(trimmed[..<colon]))
        {
            speaker = user
            text = trimmed[trimmed.index(after: colon)...].trimmingCharacters(in: .whitespaces)
        } else {
            speaker = defaultSpeaker
            text = trimmed
        }
    }
}
