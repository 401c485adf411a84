import Foundation
import IncidentKit
import Messaging
import Platforms

/// The status page's top-level keys, read beside the settings they configure.
extension StatusPageSettings {
    static let configurationKeys = ["status_page_title", "status_page_severities", "status_page_history_days"]

    mutating func configure(_ map: [String: Any], from name: String, reader: ConfigurationReader) throws(ConfigurationError) {
        if let value = map["status_page_title"] { title = try reader.string(value, at: "\(name): status_page_title") }
        if let value = map["status_page_severities"] {
            var shown: Set<Severity> = []
            for item in try reader.stringList(value, at: "\(name): status_page_severities") {
                guard let severity = Severity(parsing: item) else {
                    throw ConfigurationError("\(name): status_page_severities lists '\(item)', which is not a severity; use sev1 to sev4.")
                }
                shown.insert(severity)
            }
            severities = shown
        }
        if let value = map["status_page_history_days"] {
            guard let days = Int(try reader.string(value, at: "\(name): status_page_history_days")), (1...Self.longestHistoryDays).contains(days)
            else {
                throw ConfigurationError("\(name): status_page_history_days must be a number of days from 1 to \(Self.longestHistoryDays).")
            }
            historyDays = days
        }
    }
}
