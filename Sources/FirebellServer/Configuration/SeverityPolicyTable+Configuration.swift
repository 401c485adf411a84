import Foundation
import IncidentKit
import Platforms

/// The `severities:` section, read beside the table it configures: per level, any of its keys.
extension SeverityPolicyTable {
    static let configurationKeys: Set<String> = [
        "label", "impact", "respond", "update_every", "target_resolution", "audience",
        "nudge_after", "holding_after", "holding_post", "audiences", "respond_in",
    ]

    /// Overrides the levels and keys the section names; `name` is the file (and environment) it came from.
    mutating func configure(_ value: Any, from name: String, reader: ConfigurationReader) throws(ConfigurationError) {
        guard let severities = value as? [String: Any] else { throw ConfigurationError("\(name): severities must map sev1…sev4 to settings.") }
        for (key, settings) in severities {
            guard let severity = Severity(parsing: key) else {
                throw ConfigurationError("\(name): severities.\(key) is not a severity; use sev1 to sev4.")
            }
            guard let settings = settings as? [String: Any] else { throw ConfigurationError("\(name): severities.\(key) must be a mapping.") }
            let at = "\(name): severities.\(key)"
            try reader.rejectUnknown(settings, allowed: Self.configurationKeys, at: at)
            var policy = self[severity]
            if let v = settings["label"] { policy.label = try reader.string(v, at: "\(at).label") }
            if let v = settings["impact"] { policy.impact = try reader.string(v, at: "\(at).impact") }
            if let v = settings["respond"] { policy.respond = try reader.string(v, at: "\(at).respond") }
            if let v = settings["audience"] { policy.audience = try reader.string(v, at: "\(at).audience") }
            if let v = settings["update_every"] {
                let text = try reader.string(v, at: "\(at).update_every")
                policy.updateCadence = text.lowercased() == "none" ? nil : try reader.span(text, at: "\(at).update_every")
            }
            if let v = settings["target_resolution"] {
                policy.targetResolution = try reader.span(try reader.string(v, at: "\(at).target_resolution"), at: "\(at).target_resolution")
            }
            if let v = settings["nudge_after"] {
                policy.nudgeAfter = try reader.span(try reader.string(v, at: "\(at).nudge_after"), at: "\(at).nudge_after")
            }
            if let v = settings["holding_after"] {
                policy.holdingAfter = try reader.span(try reader.string(v, at: "\(at).holding_after"), at: "\(at).holding_after")
            }
            if let v = settings["respond_in"] {
                let text = try reader.string(v, at: "\(at).respond_in")
                guard let window = ResponseWindow(rawValue: text.lowercased()) else {
                    throw ConfigurationError("\(at).respond_in '\(text)' must be always, business_hours or next_business_day.")
                }
                policy.responseWindow = window
            }
            if let v = settings["audiences"] { policy.audiences = try reader.stringList(v, at: "\(at).audiences") }
            if let v = settings["holding_post"] {
                guard let flag = v as? Bool ?? (v as? String).flatMap(Bool.init) else {
                    throw ConfigurationError("\(at).holding_post must be true or false.")
                }
                policy.holdingPost = flag
            }
            policies[severity] = policy
        }
    }
}
