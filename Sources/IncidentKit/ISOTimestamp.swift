import Foundation

/// The event log's timestamp format, `2026-11-22T21:05:00Z` (UTC, whole seconds), with a fast exact parser.
package enum ISOTimestamp {
    package static func format(_ date: Date) -> String {
        let total = Int(date.timeIntervalSince1970.rounded(.down))
        let days = total >= 0 ? total / 86400 : (total - 86399) / 86400
        let secondsOfDay = total - days * 86400
        let (year, month, day) = civil(fromDays: days)
        // Written digit by digit: every logged event carries one, and `String(format:)` costs microseconds.
        guard (0...9999).contains(year) else {
            return String(
                format: "%04d-%02d-%02dT%02d:%02d:%02dZ",
                year,
                month,
                day,
                secondsOfDay / 3600,
                secondsOfDay % 3600 / 60,
                secondsOfDay % 60
            )
        }
        return String(unsafeUninitializedCapacity: 20) { buffer in
            func put(_ value: Int, width: Int, at offset: Int) {
                var value = value
                for position in stride(from: offset + width - 1, through: offset, by: -1) {
                    buffer[position] = UInt8(48 + value % 10)
                    value /= 10
                }
            }
            put(year, width: 4, at: 0)
            put(month, width: 2, at: 5)
            put(day, width: 2, at: 8)
            put(secondsOfDay / 3600, width: 2, at: 11)
            put(secondsOfDay % 3600 / 60, width: 2, at: 14)
            put(secondsOfDay % 60, width: 2, at: 17)
            for (offset, byte) in [(4, 45), (7, 45), (10, 84), (13, 58), (16, 58), (19, 90)] { buffer[offset] = UInt8(byte) }
            return 20
        }
    }

    /// Parses exactly `YYYY-MM-DDTHH:MM:SSZ`; anything else is nil.
    package static func parse(_ text: String) -> Date? {
        var text = text
        return text.withUTF8 { bytes -> Date? in
            guard bytes.count == 20, bytes[4] == 45, bytes[7] == 45, bytes[10] == 84, bytes[13] == 58, bytes[16] == 58, bytes[19] == 90 else {
                return nil
            }
            func number(_ start: Int, _ length: Int) -> Int? { digits(bytes, start, length) }
            guard let year = number(0, 4), let month = number(5, 2), let day = number(8, 2),
                let hour = number(11, 2), let minute = number(14, 2), let second = number(17, 2)
            else { return nil }
            return date(year: year, month: month, day: day, hour: hour, minute: minute, second: second)
        }
    }

    /// Parses an RFC 3339 timestamp as monitors write it: `2026-11-22T21:05:00Z`, fractional seconds of any length,
    /// `t`/space for `T`, `z`, or a `±HH:MM` offset. Anything else, or a field out of range, is nil. Microseconds are
    /// kept: a `Date` near 2026 cannot hold nanoseconds, and `.999999999` would round up into the next second.
    ///
    /// Byte by byte on purpose: Foundation's `ISO8601DateFormatter` hands the text to ICU, which dies of a
    /// floating-point exception on a fraction of about forty digits — one webhook body would kill the server.
    package static func parseRFC3339(_ text: String) -> Date? {
        var text = text
        return text.withUTF8 { bytes -> Date? in
            guard bytes.count >= 20, bytes.count <= 64, bytes[4] == 45, bytes[7] == 45, bytes[13] == 58, bytes[16] == 58,
                [84, 116, 32].contains(bytes[10])
            else { return nil }
            func number(_ start: Int, _ length: Int) -> Int? { digits(bytes, start, length) }
            guard let year = number(0, 4), let month = number(5, 2), let day = number(8, 2),
                let hour = number(11, 2), let minute = number(14, 2), let second = number(17, 2),
                let whole = date(year: year, month: month, day: day, hour: hour, minute: minute, second: second)
            else { return nil }
            var index = 19
            var microseconds = 0
            if bytes[index] == 46 {  // "."
                index += 1
                let start = index
                var scale = 100_000
                while index < bytes.count, (48...57).contains(bytes[index]) {
                    microseconds += Int(bytes[index] - 48) * scale
                    scale /= 10
                    index += 1
                }
                guard index > start else { return nil }
            }
            guard index < bytes.count else { return nil }
            var offsetSeconds = 0
            switch bytes[index] {
            case 90, 122:  // "Z", "z"
                index += 1
            case 43, 45:  // "+", "-"
                guard index + 6 == bytes.count, bytes[index + 3] == 58, let hours = number(index + 1, 2),
                    let minutes = number(index + 4, 2), hours < 24, minutes < 60
                else { return nil }
                offsetSeconds = (hours * 3600 + minutes * 60) * (bytes[index] == 43 ? 1 : -1)
                index += 6
            default:
                return nil
            }
            guard index == bytes.count else { return nil }
            return whole.addingTimeInterval(TimeInterval(microseconds) / 1e6 - TimeInterval(offsetSeconds))
        }
    }

    /// The moment of a UTC date and time, or nil when a field is out of range (February 30th, 24:00, minute 60).
    package static func date(year: Int, month: Int, day: Int, hour: Int, minute: Int, second: Int) -> Date? {
        guard (1...12).contains(month), (1...daysIn(month: month, year: year)).contains(day), (0..<24).contains(hour),
            (0..<60).contains(minute), (0..<61).contains(second)
        else { return nil }
        let days = daysFromCivil(year: year, month: month, day: day)
        return Date(timeIntervalSince1970: TimeInterval(days * 86400 + hour * 3600 + minute * 60 + second))
    }

    /// The decimal number in `length` bytes from `start`, or nil when one of them is not a digit.
    static func digits(_ bytes: UnsafeBufferPointer<UInt8>, _ start: Int, _ length: Int) -> Int? {
        var value = 0
        for offset in start..<(start + length) {
            let digit = Int(bytes[offset]) - 48
            guard (0...9).contains(digit) else { return nil }
            value = value * 10 + digit
        }
        return value
    }

    static func daysIn(month: Int, year: Int) -> Int {
        switch month {
        case 2: return year % 4 == 0 && (year % 100 != 0 || year % 400 == 0) ? 29 : 28
        case 4, 6, 9, 11: return 30
        default: return 31
        }
    }

    // Howard Hinnant's civil-calendar algorithms: exact for the proleptic Gregorian calendar.
    static func daysFromCivil(year: Int, month: Int, day: Int) -> Int {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yearOfEra = y - era * 400
        let dayOfYear = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        return era * 146097 + dayOfEra - 719468
    }

    static func civil(fromDays days: Int) -> (Int, Int, Int) {
        let z = days + 719468
        let era = (z >= 0 ? z : z - 146096) / 146097
        let dayOfEra = z - era * 146097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36524 - dayOfEra / 146096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let mp = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * mp + 2) / 5 + 1
        let month = mp < 10 ? mp + 3 : mp - 9
        return (yearOfEra + era * 400 + (month <= 2 ? 1 : 0), month, day)
    }
}
