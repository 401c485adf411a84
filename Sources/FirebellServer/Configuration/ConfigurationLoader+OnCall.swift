import Foundation
import IncidentKit
import Platforms
import Yams

/// The `oncall:` and `alerts:` sections.
extension ConfigurationLoader {
    static let onCallKeys: Set<String> = ["acknowledge_within", "page_on_declare", "handover_reminder_every", "handover_reminder_limit", "rotations"]
    static let rotationKeys: Set<String> = ["name", "channels", "time_zone", "handoff", "length", "start", "l1", "l2", "l3", "l4", "overrides"]
    static let overrideKeys: Set<String> = ["level", "user", "from", "until"]
    static let alertKeys: Set<String> = ["default_channel", "auto_resolve", "default_severity", "severity_labels", "routes"]
    static let routeKeys: Set<String> = ["match", "channel", "severity"]

    func onCallPolicy(_ value: Any, at: String) throws(ConfigurationError) -> OnCallPolicy {
        guard let map = value as? [String: Any] else { throw ConfigurationError("\(at) must be a mapping.") }
        try rejectUnknown(map, allowed: Self.onCallKeys, at: at)
        var policy = OnCallPolicy()
        if let v = map["acknowledge_within"] {
            policy.acknowledgeWithin = try span(try string(v, at: "\(at).acknowledge_within"), at: "\(at).acknowledge_within")
        }
        if let v = map["handover_reminder_every"] {
            policy.handoverReminderEvery = try span(try string(v, at: "\(at).handover_reminder_every"), at: "\(at).handover_reminder_every")
        }
        if let v = map["handover_reminder_limit"] {
            guard let limit = Int(try string(v, at: "\(at).handover_reminder_limit")), (0...100).contains(limit) else {
                throw ConfigurationError("\(at).handover_reminder_limit must be a number from 0 to 100.")
            }
            policy.handoverReminderLimit = limit
        }
        if let v = map["page_on_declare"] { policy.pageOnDeclare = try severities(v, at: "\(at).page_on_declare") }
        if let v = map["rotations"] {
            // The environment gives structured values as YAML text.
            let list = (v as? String).flatMap { try? Yams.load(yaml: $0) } ?? v
            guard let rotations = list as? [Any] else { throw ConfigurationError("\(at).rotations must be a list of rotations.") }
            for (index, item) in rotations.enumerated() {
                policy.rotations.append(try rotation(item, at: "\(at).rotations[\(index)]"))
            }
            let names = policy.rotations.map(\.name)
            if let duplicate = names.first(where: { name in names.filter { $0 == name }.count > 1 }) {
                throw ConfigurationError("\(at).rotations: the name '\(duplicate)' is used twice.")
            }
        }
        return policy
    }

    private func rotation(_ value: Any, at: String) throws(ConfigurationError) -> Rotation {
        guard let map = value as? [String: Any] else { throw ConfigurationError("\(at) must be a mapping.") }
        try rejectUnknown(map, allowed: Self.rotationKeys, at: at)
        guard let nameValue = map["name"] else { throw ConfigurationError("\(at) needs a name.") }
        let name = try string(nameValue, at: "\(at).name")
        let zoneName = try map["time_zone"].map { (v) throws(ConfigurationError) in try string(v, at: "\(at).time_zone") } ?? "UTC"
        guard let zone = TimeZone(identifier: zoneName) else {
            throw ConfigurationError("\(at).time_zone '\(zoneName)' is not a time zone; use an IANA name such as Europe/Berlin.")
        }
        let handoff = try map["handoff"].map { (v) throws(ConfigurationError) in try string(v, at: "\(at).handoff") } ?? "09:00"
        let parts = handoff.split(separator: ":").compactMap { Int($0) }
        guard parts.count == 2, (0...23).contains(parts[0]), (0...59).contains(parts[1]) else {
            throw ConfigurationError("\(at).handoff '\(handoff)' is not a time of day; write HH:MM.")
        }
        let lengthText = try map["length"].map { (v) throws(ConfigurationError) in try string(v, at: "\(at).length") } ?? "weekly"
        guard let length = Rotation.Length(rawValue: lengthText) else { throw ConfigurationError("\(at).length must be daily or weekly.") }
        guard let startValue = map["start"] else {
            throw ConfigurationError("\(at) needs a start date (YYYY-MM-DD), when member 1's first shift begins.")
        }
        let startText = try string(startValue, at: "\(at).start")
        guard let start = CalendarDate(parsing: startText) else {
            throw ConfigurationError("\(at).start '\(startText)' is not a date; write YYYY-MM-DD.")
        }
        var levels: [[UserRef]] = []
        for level in 1...4 {
            let members = try map["l\(level)"].map { (v) throws(ConfigurationError) in try stringList(v, at: "\(at).l\(level)") } ?? []
            levels.append(members.map { UserRef(mention: $0) ?? UserRef($0) })
        }
        guard !levels[0].isEmpty else { throw ConfigurationError("\(at) needs at least one L1 member (l1: [user, …]).") }
        var channels: [ChannelRef] = []
        for text in try map["channels"].map({ (v) throws(ConfigurationError) in try stringList(v, at: "\(at).channels") }) ?? [] {
            guard let channel = ChannelRef(reference: text) else {
                throw ConfigurationError("\(at).channels: '\(text)' is not a channel; write platform:channel.")
            }
            channels.append(channel)
        }
        var overrides: [RotationOverride] = []
        for (index, item) in ((map["overrides"] as? [Any]) ?? []).enumerated() {
            overrides.append(try override(item, zone: zone, at: "\(at).overrides[\(index)]"))
        }
        return Rotation(
            name: name,
            channels: channels,
            timeZone: zone,
            handoffHour: parts[0],
            handoffMinute: parts[1],
            length: length,
            start: start,
            levels: levels,
            overrides: overrides
        )
    }

    private func override(_ value: Any, zone: TimeZone, at: String) throws(ConfigurationError) -> RotationOverride {
        guard let map = value as? [String: Any] else { throw ConfigurationError("\(at) must be a mapping.") }
        try rejectUnknown(map, allowed: Self.overrideKeys, at: at)
        guard let userValue = map["user"], let fromValue = map["from"], let untilValue = map["until"] else {
            throw ConfigurationError("\(at) needs user, from and until.")
        }
        let level =
            try map["level"].map { (v) throws(ConfigurationError) -> Int in
                guard let level = Int(try string(v, at: "\(at).level")), (1...4).contains(level) else {
                    throw ConfigurationError("\(at).level must be 1 to 4.")
                }
                return level
            } ?? 1
        let user = try string(userValue, at: "\(at).user")
        let from = try localTime(try string(fromValue, at: "\(at).from"), zone: zone, at: "\(at).from")
        let until = try localTime(try string(untilValue, at: "\(at).until"), zone: zone, at: "\(at).until")
        guard from < until else { throw ConfigurationError("\(at): from must be before until.") }
        return RotationOverride(level: level, user: UserRef(mention: user) ?? UserRef(user), from: from, until: until)
    }

    /// "YYYY-MM-DD HH:MM" (or a bare date, meaning midnight) in the rotation's time zone.
    private func localTime(_ text: String, zone: TimeZone, at: String) throws(ConfigurationError) -> Date {
        let parts = text.split(separator: " ")
        guard let day = parts.first.flatMap({ CalendarDate(parsing: String($0)) }), parts.count <= 2 else {
            throw ConfigurationError("\(at) '\(text)' is not a local time; write YYYY-MM-DD HH:MM.")
        }
        let clock = parts.count == 2 ? parts[1].split(separator: ":").compactMap { Int($0) } : [0, 0]
        guard clock.count == 2, (0...23).contains(clock[0]), (0...59).contains(clock[1]) else {
            throw ConfigurationError("\(at) '\(text)' is not a local time; write YYYY-MM-DD HH:MM.")
        }
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = zone
        return calendar.date(from: DateComponents(year: day.year, month: day.month, day: day.day, hour: clock[0], minute: clock[1]))!
    }

    func applyAlerts(_ value: Any, at: String, to configuration: inout FirebellConfiguration) throws(ConfigurationError) {
        guard let map = value as? [String: Any] else { throw ConfigurationError("\(at) must be a mapping.") }
        try rejectUnknown(map, allowed: Self.alertKeys, at: at)
        var routing = configuration.alertRouting
        if let v = map["default_channel"] { routing.defaultChannel = try channel(v, at: "\(at).default_channel") }
        if let v = map["default_severity"] { routing.defaultSeverity = try severity(v, at: "\(at).default_severity") }
        if let v = map["auto_resolve"] {
            guard let flag = v as? Bool ?? (v as? String).flatMap(Bool.init) else {
                throw ConfigurationError("\(at).auto_resolve must be true or false.")
            }
            configuration.engine.alerts.autoResolve = flag
        }
        if let v = map["severity_labels"] {
            guard let labels = v as? [String: Any] else { throw ConfigurationError("\(at).severity_labels must map label values to sev1…sev4.") }
            for (label, target) in labels { routing.severityLabels[label.lowercased()] = try severity(target, at: "\(at).severity_labels.\(label)") }
        }
        if let v = map["routes"] {
            let list = (v as? String).flatMap { try? Yams.load(yaml: $0) } ?? v
            guard let routes = list as? [Any] else { throw ConfigurationError("\(at).routes must be a list of rules.") }
            routing.rules = []
            for (index, item) in routes.enumerated() {
                let where_ = "\(at).routes[\(index)]"
                guard let rule = item as? [String: Any] else { throw ConfigurationError("\(where_) must be a mapping.") }
                try rejectUnknown(rule, allowed: Self.routeKeys, at: where_)
                guard let match = rule["match"] as? [String: Any], !match.isEmpty else {
                    throw ConfigurationError("\(where_) needs match: {label: value, …}.")
                }
                var labels: [String: String] = [:]
                for (key, value) in match { labels[key] = try string(value, at: "\(where_).match.\(key)") }
                let target = try rule["channel"].map { (v) throws(ConfigurationError) in try channel(v, at: "\(where_).channel") }
                let level = try rule["severity"].map { (v) throws(ConfigurationError) in try severity(v, at: "\(where_).severity") }
                guard target != nil || level != nil else { throw ConfigurationError("\(where_) sets neither channel nor severity.") }
                routing.rules.append(AlertRouting.Rule(match: labels, channel: target, severity: level))
            }
        }
        configuration.alertRouting = routing
    }

    private func channel(_ value: Any, at: String) throws(ConfigurationError) -> ChannelRef {
        let text = try string(value, at: at)
        guard let channel = ChannelRef(reference: text) else {
            throw ConfigurationError("\(at): '\(text)' is not a channel; write platform:channel or platform:workspace:channel, e.g. slack:C0ALERTS.")
        }
        return channel
    }

    private func severity(_ value: Any, at: String) throws(ConfigurationError) -> Severity {
        let text = try string(value, at: at)
        guard let severity = Severity(parsing: text) else { throw ConfigurationError("\(at): '\(text)' is not a severity; use sev1 to sev4.") }
        return severity
    }

    private func severities(_ value: Any, at: String) throws(ConfigurationError) -> Set<Severity> {
        var result: Set<Severity> = []
        for item in try stringList(value, at: at) {
            guard let severity = Severity(parsing: item) else { throw ConfigurationError("\(at) lists '\(item)', which is not a severity.") }
            result.insert(severity)
        }
        return result
    }
}
