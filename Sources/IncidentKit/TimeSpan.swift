import Foundation

/// A length of time typed by a responder (`30s`, `15m`, `1h30m`, `2d`), held in whole seconds.
package struct TimeSpan: Hashable, Comparable, Codable, Sendable, CustomStringConvertible {
    package let seconds: Int

    package init(seconds: Int) { self.seconds = seconds }
    package static func minutes(_ value: Int) -> TimeSpan { TimeSpan(seconds: value * 60) }
    package static func hours(_ value: Int) -> TimeSpan { TimeSpan(seconds: value * 3600) }
    package static func days(_ value: Int) -> TimeSpan { TimeSpan(seconds: value * 86400) }

    package var timeInterval: TimeInterval { TimeInterval(seconds) }
    package static func < (lhs: TimeSpan, rhs: TimeSpan) -> Bool { lhs.seconds < rhs.seconds }

    /// Parses one or more `<number><unit>` parts, units `d`, `h`, `m`, `s` in that order (`1h30m`, `90m`, `45s`).
    package init?(parsing text: String) {
        let units: [(Character, Int)] = [("d", 86400), ("h", 3600), ("m", 60), ("s", 1)]
        var total = 0
        var number = ""
        var nextUnitIndex = 0
        for character in text.lowercased() {
            if character.isASCII, character.isNumber {
                number.append(character)
                guard number.count <= 6 else { return nil }
                continue
            }
            guard !number.isEmpty, let value = Int(number),
                let unitIndex = units[nextUnitIndex...].firstIndex(where: { $0.0 == character })
            else { return nil }
            total += value * units[unitIndex].1
            nextUnitIndex = unitIndex + 1
            number = ""
            if nextUnitIndex == units.count { break }
        }
        guard number.isEmpty, total > 0, text.count <= 16 else { return nil }
        self.seconds = total
    }

    /// Compact form, `1h30m`, `15m`, `2d`, `45s`.
    package var description: String {
        var rest = seconds
        var parts = ""
        for (unit, size) in [("d", 86400), ("h", 3600), ("m", 60), ("s", 1)] where rest >= size {
            parts += "\(rest / size)\(unit)"
            rest %= size
        }
        return parts.isEmpty ? "0s" : parts
    }

    /// Words for people, `1 h 30 min`, `15 min`, `2 d`, rounded down to minutes when over a minute.
    package var spoken: String {
        if seconds < 60 { return "\(seconds) s" }
        let days = seconds / 86400
        let hours = seconds % 86400 / 3600
        let minutes = seconds % 3600 / 60
        var parts: [String] = []
        if days > 0 { parts.append("\(days) d") }
        if hours > 0 { parts.append("\(hours) h") }
        if minutes > 0 { parts.append("\(minutes) min") }
        return parts.joined(separator: " ")
    }

    package init(from decoder: any Decoder) throws {
        seconds = try decoder.singleValueContainer().decode(Int.self)
    }

    package func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(seconds)
    }

    /// The span from `start` to `end`, rounded down to whole seconds (never negative).
    package static func between(_ start: Date, _ end: Date) -> TimeSpan {
        TimeSpan(seconds: max(0, Int(end.timeIntervalSince(start))))
    }
}
