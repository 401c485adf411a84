import Foundation
import IncidentKit
import Platforms

/// The `oncall:` section, read beside the policy it configures.
extension OnCallPolicy {
    static let configurationKeys: Set<String> = [
        "acknowledge_within", "page_on_declare", "handover_reminder_every", "handover_reminder_limit", "rotations",
    ]
    static let rotationKeys: Set<String> = [
        "name", "channels", "time_zone", "handoff", "length", "start", "l1", "l2", "l3", "l4", "overrides", "business_hours",
    ]
    static let overrideKeys: Set<String> = ["level", "user", "from", "until"]

    /// Reads the `oncall:` section.
    init(configuration value: Any, at: String, reader: ConfigurationReader) throws(ConfigurationError) {
        let map = try reader.mapping(value, at: at)
        try reader.rejectUnknown(map, allowed: Self.configurationKeys, at: at)
        var policy = OnCallPolicy()
        if let v = map["acknowledge_within"] {
            policy.acknowledgeWithin = try reader.span(try reader.string(v, at: "\(at).acknowledge_within"), at: "\(at).acknowledge_within")
        }
        if let v = map["handover_reminder_every"] {
            policy.handoverReminderEvery = try reader.span(
                try reader.string(v, at: "\(at).handover_reminder_every"),
                at: "\(at).handover_reminder_every"
            )
        }
        if let v = map["handover_reminder_limit"] {
            guard let limit = Int(try reader.string(v, at: "\(at).handover_reminder_limit")), (0...100).contains(limit) else {
                throw ConfigurationError("\(at).handover_reminder_limit must be a number from 0 to 100.")
            }
            policy.handoverReminderLimit = limit
        }
        if let v = map["page_on_declare"] { policy.pageOnDeclare = try reader.severities(v, at: "\(at).page_on_declare") }
        if let v = map["rotations"] {
            guard let rotations = reader.yamlList(v) else { throw ConfigurationError("\(at).rotations must be a list of rotations.") }
            for (index, item) in rotations.enumerated() {
                policy.rotations.append(try Self.rotation(item, at: "\(at).rotations[\(index)]", reader: reader))
            }
            let names = policy.rotations.map(\.name)
            if let duplicate = names.first(where: { name in names.filter { $0 == name }.count > 1 }) {
                throw ConfigurationError("\(at).rotations: the name '\(duplicate)' is used twice.")
            }
        }
        self = policy
    }

    private static func rotation(_ value: Any, at: String, reader: ConfigurationReader) throws(ConfigurationError) -> Rotation {
        guard let map = value as? [String: Any] else { throw ConfigurationError("\(at) must be a mapping.") }
        try reader.rejectUnknown(map, allowed: Self.rotationKeys, at: at)
        guard let nameValue = map["name"] else { throw ConfigurationError("\(at) needs a name.") }
        let name = try reader.string(nameValue, at: "\(at).name")
        let zoneName = try map["time_zone"].map { (v) throws(ConfigurationError) in try reader.string(v, at: "\(at).time_zone") } ?? "UTC"
        guard let zone = TimeZone(identifier: zoneName) else {
            throw ConfigurationError("\(at).time_zone '\(zoneName)' is not a time zone; use an IANA name such as Europe/Berlin.")
        }
        let handoff = try map["handoff"].map { (v) throws(ConfigurationError) in try reader.string(v, at: "\(at).handoff") } ?? "09:00"
        let parts = handoff.split(separator: ":").compactMap { Int($0) }
        guard parts.count == 2, (0...23).contains(parts[0]), (0...59).contains(parts[1]) else {
            throw ConfigurationError("\(at).handoff '\(handoff)' is not a time of day; write HH:MM.")
        }
        let lengthText = try map["length"].map { (v) throws(ConfigurationError) in try reader.string(v, at: "\(at).length") } ?? "weekly"
        guard let length = Rotation.Length(rawValue: lengthText) else { throw ConfigurationError("\(at).length must be daily or weekly.") }
        guard let startValue = map["start"] else {
            throw ConfigurationError("\(at) needs a start date (YYYY-MM-DD), when member 1's first shift begins.")
        }
        let startText = try reader.string(startValue, at: "\(at).start")
        guard let start = CalendarDate(parsing: startText) else {
            throw ConfigurationError("\(at).start '\(startText)' is not a date; write YYYY-MM-DD.")
        }
        var levels: [[UserRef]] = []
        for level in 1...4 {
            let members = try map["l\(level)"].map { (v) throws(ConfigurationError) in try reader.stringList(v, at: "\(at).l\(level)") } ?? []
            levels.append(members.map { UserRef(mention: $0) ?? UserRef($0) })
        }
        guard !levels[0].isEmpty else { throw ConfigurationError("\(at) needs at least one L1 member (l1: [user, …]).") }
        var channels: [ChannelRef] = []
        for text in try map["channels"].map({ (v) throws(ConfigurationError) in try reader.stringList(v, at: "\(at).channels") }) ?? [] {
            guard let channel = ChannelRef(reference: text) else {
                throw ConfigurationError("\(at).channels: '\(text)' is not a channel; write platform:channel.")
            }
            channels.append(channel)
        }
        var overrides: [RotationOverride] = []
        for (index, item) in ((map["overrides"] as? [Any]) ?? []).enumerated() {
            overrides.append(try Self.override(item, zone: zone, at: "\(at).overrides[\(index)]", reader: reader))
        }
        let hours = try map["business_hours"].map { (v) throws(ConfigurationError) in
            try WorkingHours(configuration: v, base: WorkingHours(timeZone: zone), at: "\(at).business_hours", reader: reader)
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
            overrides: overrides,
            workingHours: hours
        )
    }

    private static func override(_ value: Any, zone: TimeZone, at: String, reader: ConfigurationReader) throws(ConfigurationError) -> RotationOverride
    {
        guard let map = value as? [String: Any] else { throw ConfigurationError("\(at) must be a mapping.") }
        try reader.rejectUnknown(map, allowed: Self.overrideKeys, at: at)
        guard let userValue = map["user"], let fromValue = map["from"], let untilValue = map["until"] else {
            throw ConfigurationError("\(at) needs user, from and until.")
        }
        let level =
            try map["level"].map { (v) throws(ConfigurationError) -> Int in
                guard let level = Int(try reader.string(v, at: "\(at).level")), (1...4).contains(level) else {
                    throw ConfigurationError("\(at).level must be 1 to 4.")
                }
                return level
            } ?? 1
        let user = try reader.string(userValue, at: "\(at).user")
        let from = try localTime(try reader.string(fromValue, at: "\(at).from"), zone: zone, at: "\(at).from")
        let until = try localTime(try reader.string(untilValue, at: "\(at).until"), zone: zone, at: "\(at).until")
        guard from < until else { throw ConfigurationError("\(at): from must be before until.") }
        return RotationOverride(level: level, user: UserRef(mention: user) ?? UserRef(user), from: from, until: until)
    }

    /// "YYYY-MM-DD HH:MM" (or a bare date, meaning midnight) in the rotation's time zone.
    private static func localTime(_ text: String, zone: TimeZone, at: String) throws(ConfigurationError) -> Date {
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
}
