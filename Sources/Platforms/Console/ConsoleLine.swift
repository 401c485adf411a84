import Foundation
import IncidentKit

/// One line typed into the console: who speaks (`@bob: …` speaks as bob) and what they typed.
public struct ConsoleLine: Equatable, Sendable {
    public var speaker: UserRef
    public var text: String

    /// Reads `@bob: /incident ack` as bob saying `/incident ack`; any other line is said by `defaultSpeaker`.
    public init(_ line: String, defaultSpeaker: UserRef) {
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
