import Foundation
import IncidentKit
import Platforms

/// The `reminders:` section, read beside the policy it configures.
extension ReminderPolicy {
    static let configurationKeys: Set<String> = [
        "quiet_after_update", "commander_nudge_after", "commander_nudge_severities",
        "postmortem_reminder_after", "action_reminder_hour_utc",
    ]

    mutating func configure(_ value: Any, from name: String, reader: ConfigurationReader) throws(ConfigurationError) {
        guard let settings = value as? [String: Any] else { throw ConfigurationError("\(name): reminders must be a mapping.") }
        let at = "\(name): reminders"
        try reader.rejectUnknown(settings, allowed: Self.configurationKeys, at: at)
        var reminders = self
        if let v = settings["quiet_after_update"] {
            reminders.quietAfterUpdate = try reader.span(try reader.string(v, at: "\(at).quiet_after_update"), at: "\(at).quiet_after_update")
        }
        if let v = settings["commander_nudge_after"] {
            reminders.commanderNudgeAfter = try reader.span(
                try reader.string(v, at: "\(at).commander_nudge_after"),
                at: "\(at).commander_nudge_after"
            )
        }
        if let v = settings["commander_nudge_severities"] {
            guard let list = v as? [Any] else {
                throw ConfigurationError("\(at).commander_nudge_severities must be a list such as [sev1, sev2].")
            }
            var severities: Set<Severity> = []
            for item in list {
                guard let severity = Severity(parsing: "\(item)") else {
                    throw ConfigurationError("\(at).commander_nudge_severities lists '\(item)', which is not a severity.")
                }
                severities.insert(severity)
            }
            reminders.commanderNudgeSeverities = severities
        }
        if let v = settings["postmortem_reminder_after"] {
            let text = try reader.string(v, at: "\(at).postmortem_reminder_after")
            reminders.postmortemReminderAfter = text.lowercased() == "none" ? nil : try reader.span(text, at: "\(at).postmortem_reminder_after")
        }
        if let v = settings["action_reminder_hour_utc"] {
            guard let hour = v as? Int ?? (v as? String).flatMap({ Int($0) }), (0...23).contains(hour) else {
                throw ConfigurationError("\(at).action_reminder_hour_utc must be an hour from 0 to 23.")
            }
            reminders.actionReminderHourUTC = hour
        }
        self = reminders
    }
}
