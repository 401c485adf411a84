/// Where an incident stands; `resolved` is reached only through `/incident resolve`.
package enum IncidentStatus: String, Codable, Sendable, CaseIterable {
    case investigating, identified, mitigating, monitoring, resolved
    /// Opened by monitoring and not yet confirmed by a responder.
    case triage

    /// The statuses a responder may set with `/incident status`.
    package static let settable: [IncidentStatus] = [.investigating, .identified, .mitigating, .monitoring]

    /// "Investigating", "Mitigating", …
    package var title: String { rawValue.prefix(1).uppercased() + rawValue.dropFirst() }

    /// The stakeholder wording: "In Progress - Mitigating", or "Resolved".
    package var stakeholderPhrase: String { self == .resolved ? "Resolved" : "In Progress - \(title)" }
}
