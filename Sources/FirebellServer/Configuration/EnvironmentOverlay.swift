import Foundation

/// Lays environment variables over the configuration file's keys, so that every key can be set either way:
/// `FIREBELL_<KEY>` for top-level keys, `FIREBELL_SEVERITIES_SEV1_UPDATE_EVERY`, `FIREBELL_PERMISSIONS_RESOLVE=ic,lead`,
/// `FIREBELL_REMINDERS_QUIET_AFTER_UPDATE`, `FIREBELL_STAKEHOLDER_CHANNELS_EXECUTIVES=slack:C0EXEC`,
/// `FIREBELL_ONCALL_ACKNOWLEDGE_WITHIN=3m`, `FIREBELL_ONCALL_ROTATIONS=<YAML list>`, `FIREBELL_ALERTS_ROUTES=<YAML list>`,
/// and `FIREBELL_ALERT_CHANNEL=slack:C0ALERTS`. A platform's own variables (`SLACK_API_URL`) are read by its
/// settings. Secrets are never file keys.
enum EnvironmentOverlay {
    /// `FIREBELL_DATA_DIR` and `FIREBELL_TEMPLATES_DIR` are not here: as paths they are read against the
    /// working folder, not the file's, so `ConfigurationLoader` applies them itself.
    static let topLevel: Set<String> = ConfigurationLoader.platformKeys.union(HTTPLimits.configurationKeys).union(StoreSettings.configurationKeys)
        .union([
            "http_host", "http_port", "status_page_port", "status_updates_in_thread",
            "status_page_title", "status_page_severities", "status_page_history_days", "pagerduty_url", "runbooks", "briefings", "pin_reaction",
            "declare_from_message_severity",
        ])
    /// Keys whose value is a list, written comma-separated in the environment.
    static let listKeys: Set<String> = ["commander_nudge_severities"]

    /// Applies the overrides; returns the variables that were used.
    @discardableResult
    static func apply(_ environment: [String: String], to map: inout [String: Any]) -> [String] {
        var used: [String] = []
        if let channel = environment["FIREBELL_ALERT_CHANNEL"], !channel.isEmpty {
            var alerts = map["alerts"] as? [String: Any] ?? [:]
            alerts["default_channel"] = channel
            map["alerts"] = alerts
            used.append("FIREBELL_ALERT_CHANNEL")
        }
        for (name, value) in environment.sorted(by: { $0.key < $1.key }) where name.hasPrefix("FIREBELL_") && !value.isEmpty {
            let key = name.dropFirst("FIREBELL_".count).lowercased()
            if topLevel.contains(key) {
                map[key] = value
            } else if key.hasPrefix("severities_sev"), key.count > "severities_sev1_".count {
                let severity = String(key.dropFirst("severities_".count).prefix(4))
                let setting = String(key.dropFirst("severities_sev1_".count))
                var severities = map["severities"] as? [String: Any] ?? [:]
                var settings = severities[severity] as? [String: Any] ?? [:]
                settings[setting] = value
                severities[severity] = settings
                map["severities"] = severities
            } else if key.hasPrefix("permissions_") {
                var permissions = map["permissions"] as? [String: Any] ?? [:]
                let action = String(key.dropFirst("permissions_".count))
                permissions[action] = value == "anyone" ? value : list(value)
                map["permissions"] = permissions
            } else if key.hasPrefix("stakeholder_channels_"), key.count > "stakeholder_channels_".count {
                var groups = map["stakeholder_channels"] as? [String: Any] ?? [:]
                groups[String(key.dropFirst("stakeholder_channels_".count))] = list(value)
                map["stakeholder_channels"] = groups
            } else if let section = ["oncall_", "alerts_", "business_hours_", "war_room_"].first(where: { key.hasPrefix($0) && key.count > $0.count })
            {
                let name = String(section.dropLast())
                var settings = map[name] as? [String: Any] ?? [:]
                settings[String(key.dropFirst(section.count))] = value
                map[name] = settings
            } else if key.hasPrefix("reminders_") {
                var reminders = map["reminders"] as? [String: Any] ?? [:]
                let setting = String(key.dropFirst("reminders_".count))
                reminders[setting] = listKeys.contains(setting) ? list(value) : value
                map["reminders"] = reminders
            } else {
                continue
            }
            used.append(name)
        }
        return used
    }

    private static func list(_ value: String) -> [Any] {
        value.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
    }
}
