import Foundation
import IncidentKit
import Platforms

/// `business_hours:` (the team's) and a rotation's own `business_hours:`, read beside the type they configure:
/// `days` (`mon-fri`, or a list such as `[mon, tue, thu]`), `hours` (`09:00-17:00`), and for the team a `time_zone`.
extension WorkingHours {
    static let configurationKeys: Set<String> = ["days", "hours"]

    /// Reads `days` and `hours` over `base`; the time zone is the caller's.
    init(
        configuration value: Any,
        base: WorkingHours,
        at name: String,
        reader: ConfigurationReader,
        keys: Set<String> = configurationKeys
    )
        throws(ConfigurationError)
    {
        guard let map = value as? [String: Any] else {
            throw ConfigurationError("\(name) must be a mapping with days (mon-fri) and hours (09:00-17:00).")
        }
        try reader.rejectUnknown(map, allowed: keys, at: name)
        self = base
        if let days = map["days"] { self.days = try Self.days(days, at: "\(name).days", reader: reader) }
        if let hours = map["hours"] {
            let text = try reader.string(hours, at: "\(name).hours")
            let ends = text.split(separator: "-").map { Self.minutes(String($0).trimmingCharacters(in: .whitespaces)) }
            guard ends.count == 2, let opens = ends[0], let closes = ends[1], opens < closes else {
                throw ConfigurationError(
                    "\(name).hours '\(text)' is not a span of the day; write HH:MM-HH:MM, opening before closing, e.g. 09:00-17:00."
                )
            }
            (self.opens, self.closes) = (opens, closes)
        }
    }

    static let dayNames = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]

    /// `mon-fri`, `mon`, or a list of either; a run may wrap past Sunday (`sun-thu`).
    static func days(_ value: Any, at name: String, reader: ConfigurationReader) throws(ConfigurationError) -> Set<Int> {
        var days: Set<Int> = []
        for item in try reader.stringList(value, at: name) {
            let ends = item.lowercased().split(separator: "-").map { dayNames.firstIndex(of: String($0).trimmingCharacters(in: .whitespaces)) }
            guard (1...2).contains(ends.count), let first = ends.first!, let last = ends.last! else {
                throw ConfigurationError("\(name): '\(item)' is not a day or a run of days; write mon-fri, or a list such as [mon, tue].")
            }
            days.formUnion(first <= last ? Array((first + 1)...(last + 1)) : Array((first + 1)...7) + Array(1...(last + 1)))
        }
        guard !days.isEmpty else { throw ConfigurationError("\(name) names no day.") }
        return days
    }

    /// "09:00" → 540; "24:00" is the end of the day.
    private static func minutes(_ text: String) -> Int? {
        let parts = text.split(separator: ":", omittingEmptySubsequences: false)
        guard parts.count == 2, parts[0].count == 2, parts[1].count == 2, let hour = Int(parts[0]), let minute = Int(parts[1]),
            (0...24).contains(hour), (0...59).contains(minute), hour < 24 || minute == 0
        else { return nil }
        return hour * 60 + minute
    }
}

extension BusinessHoursPolicy {
    /// The team's `business_hours:` section: `days`, `hours` and `time_zone`.
    mutating func configure(_ value: Any, at name: String, reader: ConfigurationReader) throws(ConfigurationError) {
        hours = try WorkingHours(
            configuration: value,
            base: hours,
            at: name,
            reader: reader,
            keys: WorkingHours.configurationKeys.union(["time_zone"])
        )
        if let zone = (value as? [String: Any])?["time_zone"] {
            let text = try reader.string(zone, at: "\(name).time_zone")
            guard let timeZone = TimeZone(identifier: text) else {
                throw ConfigurationError("\(name).time_zone '\(text)' is not a time zone; use an IANA name such as Europe/Berlin.")
            }
            self.timeZone = timeZone
        }
    }
}
