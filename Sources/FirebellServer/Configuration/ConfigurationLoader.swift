import Foundation
import IncidentKit
import Platforms
import Yams

/// Reads `firebell.yaml` (optional) and the environment, which overrides the file.
package struct ConfigurationLoader: Sendable {
    package let environment: [String: String]

    package init(environment: [String: String] = ProcessInfo.processInfo.environment) { self.environment = environment }

    /// Keys accepted at the top level of the file: the core's, and each chat platform's own.
    package static let topLevelKeys: Set<String> = coreKeys.union(platformKeys)
    static let coreKeys: Set<String> = [
        "data_dir", "templates_dir", "http_host", "http_port", "status_updates_in_thread",
        "severities", "permissions", "reminders", "stakeholder_channels",
        "status_page_title", "status_page_severities", "status_page_history_days",
        "oncall", "alerts", "pagerduty_url",
    ]
    /// The keys the chat platforms declare beside their settings (all URLs).
    static let platformKeys: Set<String> = Set(chatPlatforms.flatMap { $0.settingsType.fileKeys })
    static let severityKeys: Set<String> = [
        "label", "impact", "respond", "update_every", "target_resolution", "audience",
        "nudge_after", "holding_after", "holding_post", "audiences",
    ]
    static let reminderKeys: Set<String> = [
        "quiet_after_update", "commander_nudge_after", "commander_nudge_severities",
        "postmortem_reminder_after", "action_reminder_hour_utc",
    ]

    package func load(file: URL?) throws(ConfigurationError) -> FirebellConfiguration {
        var configuration = FirebellConfiguration()
        let base = file?.deletingLastPathComponent() ?? URL(fileURLWithPath: FileManager.default.currentDirectoryPath)
        var map: [String: Any] = [:]
        var name = "environment"
        if let file {
            name = file.lastPathComponent
            let text: String
            do { text = try String(contentsOf: file, encoding: .utf8) } catch {
                throw ConfigurationError("\(file.path): cannot be read (\(error.localizedDescription)).")
            }
            let root: Any?
            do { root = try Yams.load(yaml: text) } catch { throw ConfigurationError("\(name): not valid YAML: \(error)") }
            if let root {
                guard let fileMap = root as? [String: Any] else { throw ConfigurationError("\(name): the top level must be a mapping of keys.") }
                map = fileMap
            }
        }
        let overridden = EnvironmentOverlay.apply(environment, to: &map)
        try apply(map, from: overridden.isEmpty ? name : "\(name) with environment overrides", base: base, to: &configuration)
        // Paths from the environment are taken as given (relative to the working folder), not to the file.
        if let data = environment["FIREBELL_DATA_DIR"], !data.isEmpty { configuration.dataDirectory = URL(fileURLWithPath: data) }
        if let templates = environment["FIREBELL_TEMPLATES_DIR"], !templates.isEmpty {
            configuration.templatesDirectory = URL(fileURLWithPath: templates)
        }
        return configuration
    }

    private func apply(_ map: [String: Any], from name: String, base: URL, to configuration: inout FirebellConfiguration) throws(ConfigurationError) {
        try rejectUnknown(map, allowed: Self.topLevelKeys, at: name)
        if let value = map["data_dir"] { configuration.dataDirectory = path(try string(value, at: "\(name): data_dir"), base: base) }
        if let value = map["templates_dir"] { configuration.templatesDirectory = path(try string(value, at: "\(name): templates_dir"), base: base) }
        if let value = map["http_host"] { configuration.httpHost = try string(value, at: "\(name): http_host") }
        if let value = map["http_port"] {
            guard let port = Int(try string(value, at: "\(name): http_port")), (0...65535).contains(port) else {
                throw ConfigurationError("\(name): http_port must be a port number (0 to 65535).")
            }
            configuration.httpPort = port
        }
        if let value = map["status_updates_in_thread"] {
            guard let flag = value as? Bool ?? (value as? String).flatMap(Bool.init) else {
                throw ConfigurationError("\(name): status_updates_in_thread must be true or false.")
            }
            configuration.statusUpdatesInThread = flag
        }
        for key in Self.platformKeys.sorted() {
            guard let value = map[key] else { continue }
            let text = try string(value, at: "\(name): \(key)")
            guard let url = URL(string: text), ["http", "https"].contains(url.scheme ?? ""), url.host != nil else {
                throw ConfigurationError("\(name): \(key) '\(text)' is not an http(s) URL.")
            }
            configuration.platformKeys[key] = text
        }
        if let value = map["severities"] {
            guard let severities = value as? [String: Any] else { throw ConfigurationError("\(name): severities must map sev1…sev4 to settings.") }
            for (key, settings) in severities {
                guard let severity = Severity(parsing: key) else {
                    throw ConfigurationError("\(name): severities.\(key) is not a severity; use sev1 to sev4.")
                }
                guard let settings = settings as? [String: Any] else { throw ConfigurationError("\(name): severities.\(key) must be a mapping.") }
                let at = "\(name): severities.\(key)"
                try rejectUnknown(settings, allowed: Self.severityKeys, at: at)
                var policy = configuration.engine.severities[severity]
                if let v = settings["label"] { policy.label = try string(v, at: "\(at).label") }
                if let v = settings["impact"] { policy.impact = try string(v, at: "\(at).impact") }
                if let v = settings["respond"] { policy.respond = try string(v, at: "\(at).respond") }
                if let v = settings["audience"] { policy.audience = try string(v, at: "\(at).audience") }
                if let v = settings["update_every"] {
                    let text = try string(v, at: "\(at).update_every")
                    policy.updateCadence = text.lowercased() == "none" ? nil : try span(text, at: "\(at).update_every")
                }
                if let v = settings["target_resolution"] {
                    policy.targetResolution = try span(try string(v, at: "\(at).target_resolution"), at: "\(at).target_resolution")
                }
                if let v = settings["nudge_after"] { policy.nudgeAfter = try span(try string(v, at: "\(at).nudge_after"), at: "\(at).nudge_after") }
                if let v = settings["holding_after"] {
                    policy.holdingAfter = try span(try string(v, at: "\(at).holding_after"), at: "\(at).holding_after")
                }
                if let v = settings["audiences"] { policy.audiences = try stringList(v, at: "\(at).audiences") }
                if let v = settings["holding_post"] {
                    guard let flag = v as? Bool ?? (v as? String).flatMap(Bool.init) else {
                        throw ConfigurationError("\(at).holding_post must be true or false.")
                    }
                    policy.holdingPost = flag
                }
                configuration.engine.severities.policies[severity] = policy
            }
        }
        try applyStakeholders(map, from: name, to: &configuration)
        if let value = map["oncall"] { configuration.engine.oncall = try onCallPolicy(value, at: "\(name): oncall") }
        if let value = map["alerts"] { try applyAlerts(value, at: "\(name): alerts", to: &configuration) }
        if let value = map["pagerduty_url"] {
            let text = try string(value, at: "\(name): pagerduty_url")
            guard let url = URL(string: text), ["http", "https"].contains(url.scheme ?? "") else {
                throw ConfigurationError("\(name): pagerduty_url '\(text)' is not an http(s) URL.")
            }
            configuration.pagerDutyURL = text
        }
        if let value = map["reminders"] {
            guard let settings = value as? [String: Any] else { throw ConfigurationError("\(name): reminders must be a mapping.") }
            let at = "\(name): reminders"
            try rejectUnknown(settings, allowed: Self.reminderKeys, at: at)
            var reminders = configuration.engine.reminders
            if let v = settings["quiet_after_update"] {
                reminders.quietAfterUpdate = try span(try string(v, at: "\(at).quiet_after_update"), at: "\(at).quiet_after_update")
            }
            if let v = settings["commander_nudge_after"] {
                reminders.commanderNudgeAfter = try span(try string(v, at: "\(at).commander_nudge_after"), at: "\(at).commander_nudge_after")
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
                let text = try string(v, at: "\(at).postmortem_reminder_after")
                reminders.postmortemReminderAfter = text.lowercased() == "none" ? nil : try span(text, at: "\(at).postmortem_reminder_after")
            }
            if let v = settings["action_reminder_hour_utc"] {
                guard let hour = v as? Int ?? (v as? String).flatMap({ Int($0) }), (0...23).contains(hour) else {
                    throw ConfigurationError("\(at).action_reminder_hour_utc must be an hour from 0 to 23.")
                }
                reminders.actionReminderHourUTC = hour
            }
            configuration.engine.reminders = reminders
        }
        if let value = map["permissions"] {
            guard let permissions = value as? [String: Any] else { throw ConfigurationError("\(name): permissions must map actions to role lists.") }
            for (key, roles) in permissions {
                guard let action = GuardedAction(rawValue: key) else {
                    let known = GuardedAction.allCases.map(\.rawValue).joined(separator: ", ")
                    throw ConfigurationError("\(name): permissions.\(key) is not an action; use one of \(known).")
                }
                let list: [Any]
                if let text = roles as? String, text == "anyone" {
                    list = []
                } else if let array = roles as? [Any] {
                    list = array
                } else {
                    throw ConfigurationError("\(name): permissions.\(key) must be a list of roles (ic, lead, scribe, comms) or 'anyone'.")
                }
                var set: Set<Role> = []
                for item in list {
                    guard let text = item as? String, let role = Role(parsing: text) else {
                        throw ConfigurationError("\(name): permissions.\(key) lists '\(item)', which is not a role; use ic, lead, scribe or comms.")
                    }
                    set.insert(role)
                }
                configuration.engine.permissions.restrictions[action] = set
            }
        }
    }

    private func applyStakeholders(_ map: [String: Any], from name: String, to configuration: inout FirebellConfiguration) throws(ConfigurationError)
    {
        if let value = map["stakeholder_channels"] {
            guard let groups = value as? [String: Any] else {
                throw ConfigurationError("\(name): stakeholder_channels must map audience names to channels, e.g. executives: [slack:C0EXEC].")
            }
            for (audience, channels) in groups {
                let at = "\(name): stakeholder_channels.\(audience)"
                configuration.stakeholderChannels[audience] = try stringList(channels, at: at).map {
                    (text) throws(ConfigurationError) -> ChannelRef in
                    guard let channel = ChannelRef(reference: text) else {
                        throw ConfigurationError(
                            "\(at): '\(text)' is not a channel; write platform:channel or platform:workspace:channel, e.g. slack:C0EXEC."
                        )
                    }
                    return channel
                }
            }
        }
        if let value = map["status_page_title"] { configuration.statusPage.title = try string(value, at: "\(name): status_page_title") }
        if let value = map["status_page_severities"] {
            var severities: Set<Severity> = []
            for item in try stringList(value, at: "\(name): status_page_severities") {
                guard let severity = Severity(parsing: item) else {
                    throw ConfigurationError("\(name): status_page_severities lists '\(item)', which is not a severity; use sev1 to sev4.")
                }
                severities.insert(severity)
            }
            configuration.statusPage.severities = severities
        }
        if let value = map["status_page_history_days"] {
            guard let days = Int(try string(value, at: "\(name): status_page_history_days")), (1...366).contains(days) else {
                throw ConfigurationError("\(name): status_page_history_days must be a number of days from 1 to 366.")
            }
            configuration.statusPage.historyDays = days
        }
    }

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

    private func path(_ text: String, base: URL) -> URL {
        text.hasPrefix("/") ? URL(fileURLWithPath: text) : base.appendingPathComponent(text)
    }
}
