/// One of the postmortem template's impact fields, beside the customer-facing impact statement.
///
/// These are recorded for the postmortem only: revenue or data impact is for the team, not for a stakeholder post.
package enum ImpactAspect: String, Codable, Sendable, CaseIterable, Comparable, CodingKeyRepresentable {
    case customers
    case revenue
    case data
    case `internal`

    /// The heading in the postmortem draft.
    package var title: String {
        switch self {
        case .customers: "Customers affected"
        case .revenue: "Revenue impact"
        case .data: "Data impact"
        case .internal: "Internal impact"
        }
    }

    package static func < (lhs: Self, rhs: Self) -> Bool {
        allCases.firstIndex(of: lhs)! < allCases.firstIndex(of: rhs)!
    }
}
