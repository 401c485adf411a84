import Foundation
import IncidentKit
import Platforms
import Yams

/// Reads the values of a configuration file (as Yams loads it) and the environment's overrides, each error naming
/// the key's path. Each configured type reads its own section with it, beside the type
/// (`OnCallPolicy+Configuration.swift`, …), and declares the keys it knows.
struct ConfigurationReader: Sendable {
    /// A YAML list of text, or text with commas (as the environment writes lists).
    func stringList(_ value: Any, at: String) throws(ConfigurationError) -> [String] {
        if let text = value as? String {
            return text.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        }
        guard let list = value as? [Any] else { throw ConfigurationError("\(at) must be a list.") }
        var result: [String] = []
        for item in list { result.append(try string(item, at: at)) }
        return result
    }

    func rejectUnknown(_ map: [String: Any], allowed: Set<String>, at: String) throws(ConfigurationError) {
        if let unknown = map.keys.sorted().first(where: { !allowed.contains($0) }) {
            throw ConfigurationError("\(at): unknown key '\(unknown)'; known keys are \(allowed.sorted().joined(separator: ", ")).")
        }
    }

    func string(_ value: Any, at: String) throws(ConfigurationError) -> String {
        if let text = value as? String { return text }
        if let number = value as? Int { return String(number) }
        // YAML reads an unquoted 2026-11-02 as a timestamp; give it back as the date that was written.
        if let date = value as? Date {
            let day = CalendarDate(containing: date)
            return day.startOfDay == date ? day.description : ISOTimestamp.format(date)
        }
        throw ConfigurationError("\(at) must be text.")
    }

    func span(_ text: String, at: String) throws(ConfigurationError) -> TimeSpan {
        guard let span = TimeSpan(parsing: text) else {
            throw ConfigurationError("\(at): '\(text)' is not a duration; write it like 15m, 1h or 1h30m.")
        }
        return span
    }

    func channel(_ value: Any, at: String) throws(ConfigurationError) -> ChannelRef {
        let text = try string(value, at: at)
        guard let channel = ChannelRef(reference: text) else {
            throw ConfigurationError("\(at): '\(text)' is not a channel; write platform:channel or platform:workspace:channel, e.g. slack:C0ALERTS.")
        }
        return channel
    }

    func severity(_ value: Any, at: String) throws(ConfigurationError) -> Severity {
        let text = try string(value, at: at)
        guard let severity = Severity(parsing: text) else { throw ConfigurationError("\(at): '\(text)' is not a severity; use sev1 to sev4.") }
        return severity
    }

    func severities(_ value: Any, at: String) throws(ConfigurationError) -> Set<Severity> {
        var result: Set<Severity> = []
        for item in try stringList(value, at: at) {
            guard let severity = Severity(parsing: item) else { throw ConfigurationError("\(at) lists '\(item)', which is not a severity.") }
            result.insert(severity)
        }
        return result
    }

    /// `true` or `false`, as YAML or as text.
    func flag(_ value: Any, at: String) throws(ConfigurationError) -> Bool {
        guard let flag = value as? Bool ?? (value as? String).flatMap(Bool.init) else { throw ConfigurationError("\(at) must be true or false.") }
        return flag
    }

    /// A mapping of keys.
    func mapping(_ value: Any, at: String, _ message: String? = nil) throws(ConfigurationError) -> [String: Any] {
        guard let map = value as? [String: Any] else { throw ConfigurationError(message ?? "\(at) must be a mapping.") }
        return map
    }

    /// A list, or (as the environment gives structured values) YAML text holding one.
    func yamlList(_ value: Any) -> [Any]? {
        ((value as? String).flatMap { try? Yams.load(yaml: $0) } ?? value) as? [Any]
    }
}
