import Foundation

/// A calendar day, `YYYY-MM-DD`, as used for action-item due dates (UTC).
package struct CalendarDate: Hashable, Comparable, Codable, Sendable, CustomStringConvertible {
    package let year: Int
    package let month: Int
    package let day: Int

    /// Accepts only real days in `YYYY-MM-DD` form (`2026-02-30` is refused).
    package init?(parsing text: String) {
        let parts = text.split(separator: "-", omittingEmptySubsequences: false)
        guard text.count == 10, parts.count == 3, parts[0].count == 4, parts[1].count == 2, parts[2].count == 2,
            let year = Int(parts[0]), let month = Int(parts[1]), let day = Int(parts[2])
        else { return nil }
        var components = DateComponents()
        (components.year, components.month, components.day) = (year, month, day)
        guard let date = UTC.calendar.date(from: components),
            UTC.calendar.dateComponents([.year, .month, .day], from: date) == components
        else { return nil }
        (self.year, self.month, self.day) = (year, month, day)
    }

    /// The UTC day containing `date`.
    package init(containing date: Date) {
        let components = UTC.calendar.dateComponents([.year, .month, .day], from: date)
        (year, month, day) = (components.year!, components.month!, components.day!)
    }

    /// Midnight UTC at the start of this day.
    package var startOfDay: Date {
        UTC.calendar.date(from: DateComponents(year: year, month: month, day: day))!
    }

    package var description: String {
        String(format: "%04d-%02d-%02d", year, month, day)
    }

    package static func < (lhs: CalendarDate, rhs: CalendarDate) -> Bool {
        (lhs.year, lhs.month, lhs.day) < (rhs.year, rhs.month, rhs.day)
    }

    package init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        let text = try container.decode(String.self)
        guard let date = CalendarDate(parsing: text) else {
            throw DecodingError.dataCorruptedError(in: container, debugDescription: "not a YYYY-MM-DD date: \(text)")
        }
        self = date
    }

    package func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(description)
    }
}
