import Foundation
import IncidentKit
import Platforms

/// The `alerts:` section, read beside the routing it configures.
extension AlertRouting {
    static let configurationKeys: Set<String> = ["default_channel", "auto_resolve", "default_severity", "severity_labels", "routes"]
    static let routeKeys: Set<String> = ["match", "channel", "severity"]

    /// Reads the `alerts:` section: routing here, and whether a recovery resolves the incident (`auto_resolve`).
    static func configure(
        _ value: Any,
        at: String,
        reader: ConfigurationReader,
        into configuration: inout FirebellConfiguration
    ) throws(ConfigurationError) {
        let map = try reader.mapping(value, at: at)
        try reader.rejectUnknown(map, allowed: Self.configurationKeys, at: at)
        var routing = configuration.alertRouting
        if let v = map["default_channel"] { routing.defaultChannel = try reader.channel(v, at: "\(at).default_channel") }
        if let v = map["default_severity"] { routing.defaultSeverity = try reader.severity(v, at: "\(at).default_severity") }
        if let v = map["auto_resolve"] {
            guard let flag = v as? Bool ?? (v as? String).flatMap(Bool.init) else {
                throw ConfigurationError("\(at).auto_resolve must be true or false.")
            }
            configuration.engine.alerts.autoResolve = flag
        }
        if let v = map["severity_labels"] {
            guard let labels = v as? [String: Any] else { throw ConfigurationError("\(at).severity_labels must map label values to sev1…sev4.") }
            for (label, target) in labels {
                routing.severityLabels[label.lowercased()] = try reader.severity(target, at: "\(at).severity_labels.\(label)")
            }
        }
        if let v = map["routes"] {
            guard let routes = reader.yamlList(v) else { throw ConfigurationError("\(at).routes must be a list of rules.") }
            routing.rules = []
            for (index, item) in routes.enumerated() {
                let where_ = "\(at).routes[\(index)]"
                guard let rule = item as? [String: Any] else { throw ConfigurationError("\(where_) must be a mapping.") }
                try reader.rejectUnknown(rule, allowed: Self.routeKeys, at: where_)
                guard let match = rule["match"] as? [String: Any], !match.isEmpty else {
                    throw ConfigurationError("\(where_) needs match: {label: value, …}.")
                }
                var labels: [String: String] = [:]
                for (key, value) in match { labels[key] = try reader.string(value, at: "\(where_).match.\(key)") }
                let target = try rule["channel"].map { (v) throws(ConfigurationError) in try reader.channel(v, at: "\(where_).channel") }
                let level = try rule["severity"].map { (v) throws(ConfigurationError) in try reader.severity(v, at: "\(where_).severity") }
                guard target != nil || level != nil else { throw ConfigurationError("\(where_) sets neither channel nor severity.") }
                routing.rules.append(AlertRouting.Rule(match: labels, channel: target, severity: level))
            }
        }
        configuration.alertRouting = routing
    }
}
