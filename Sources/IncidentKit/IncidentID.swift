/// An incident id, `INC-<year>-<sequence>`, unique within one data folder.
package struct IncidentID: Hashable, Comparable, Codable, Sendable, CustomStringConvertible {
    package let year: Int
    package let sequence: Int

    package init(year: Int, sequence: Int) {
        self.year = year
        self.sequence = sequence
    }

    /// "INC-2026-0007" (at least four digits).
    package var description: String {
        let digits = String(sequence)
        return "INC-\(year)-\(String(repeating: "0", count: max(0, 4 - digits.count)))\(digits)"
    }

    package init?(parsing text: String) {
        let parts = text.uppercased().split(separator: "-")
        guard parts.count == 3, parts[0] == "INC", parts[1].count == 4,
            let year = Int(parts[1]), let sequence = Int(parts[2]), sequence > 0
        else { return nil }
        self.init(year: year, sequence: sequence)
    }

    package static func < (lhs: IncidentID, rhs: IncidentID) -> Bool {
        (lhs.year, lhs.sequence) < (rhs.year, rhs.sequence)
    }

    package init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        let text = try container.decode(String.self)
        guard let id = IncidentID(parsing: text) else {
            throw DecodingError.dataCorruptedError(in: container, debugDescription: "not an incident id: \(text)")
        }
        self = id
    }

    package func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(description)
    }
}
