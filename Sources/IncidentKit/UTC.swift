import Foundation

/// UTC formatting used in every message, so that no reader has to guess a time zone.
package enum UTC {
    package static let timeZone = TimeZone(identifier: "UTC")!

    /// A Gregorian calendar fixed to UTC.
    package static let calendar: Calendar = {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        return calendar
    }()

    /// "2026-11-22 21:15 UTC".
    package static func minute(_ date: Date) -> String {
        let c = calendar.dateComponents([.year, .month, .day, .hour, .minute], from: date)
        return String(format: "%04d-%02d-%02d %02d:%02d UTC", c.year!, c.month!, c.day!, c.hour!, c.minute!)
    }

    /// "21:15" (for lines that already name the day).
    package static func clock(_ date: Date) -> String {
        let c = calendar.dateComponents([.hour, .minute], from: date)
        return String(format: "%02d:%02d", c.hour!, c.minute!)
    }

    /// The calendar year of `date` in UTC.
    package static func year(of date: Date) -> Int { calendar.component(.year, from: date) }
}
