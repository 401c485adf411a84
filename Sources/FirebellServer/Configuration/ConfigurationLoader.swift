import Foundation
import IncidentKit
import Messaging
import Platforms
import Yams

/// Reads `firebell.yaml` (optional) and the environment, which overrides the file.
package struct ConfigurationLoader: Sendable {
    package let environment: [String: String]

    package init(environment: [String: String] = ProcessInfo.processInfo.environment) { self.environment = environment }

    /// Keys accepted at the top level of the file: the core's, and each chat platform's own.
    package static let topLevelKeys: Set<String> = coreKeys.union(platformKeys)
    static let coreKeys: Set<String> = Set(
        [
            "data_dir", "templates_dir", "http_host", "http_port", "status_page_port", "status_updates_in_thread", "pagerduty_url", "runbooks",
            "briefings",
            "pin_reaction", "declare_from_message_severity",
        ]
            + ["severities", "permissions", "reminders", "oncall", "alerts", "business_hours", "war_room"] + FirebellConfiguration.audienceKeys
            + StatusPageSettings.configurationKeys + HTTPLimits.configurationKeys + StoreSettings.configurationKeys
    )
    /// The keys the chat platforms declare beside their settings (all URLs).
    static let platformKeys: Set<String> = Set(chatPlatforms.flatMap { $0.settingsType.fileKeys })

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

    /// A port number (0 to 65535), or an error that says so.
    private func port(_ value: Any, key: String, in name: String, reader: ConfigurationReader) throws(ConfigurationError) -> Int {
        guard let port = Int(try reader.string(value, at: "\(name): \(key)")), (0...65535).contains(port) else {
            throw ConfigurationError("\(name): \(key) must be a port number (0 to 65535).")
        }
        return port
    }

    private func apply(_ map: [String: Any], from name: String, base: URL, to configuration: inout FirebellConfiguration) throws(ConfigurationError) {
        let reader = ConfigurationReader()
        try reader.rejectUnknown(map, allowed: Self.topLevelKeys, at: name)
        if let value = map["data_dir"] { configuration.dataDirectory = path(try reader.string(value, at: "\(name): data_dir"), base: base) }
        if let value = map["templates_dir"] {
            configuration.templatesDirectory = path(try reader.string(value, at: "\(name): templates_dir"), base: base)
        }
        if let value = map["http_host"] { configuration.httpHost = try reader.string(value, at: "\(name): http_host") }
        if let value = map["http_port"] { configuration.httpPort = try port(value, key: "http_port", in: name, reader: reader) }
        if let value = map["status_page_port"] { configuration.statusPagePort = try port(value, key: "status_page_port", in: name, reader: reader) }
        if let value = map["status_updates_in_thread"] {
            guard let flag = value as? Bool ?? (value as? String).flatMap(Bool.init) else {
                throw ConfigurationError("\(name): status_updates_in_thread must be true or false.")
            }
            configuration.statusUpdatesInThread = flag
        }
        for key in Self.platformKeys.sorted() {
            guard let value = map[key] else { continue }
            let text = try reader.string(value, at: "\(name): \(key)")
            guard let url = URL(string: text), ["http", "https"].contains(url.scheme ?? ""), url.host != nil else {
                throw ConfigurationError("\(name): \(key) '\(text)' is not an http(s) URL.")
            }
            configuration.platformKeys[key] = text
        }
        if let value = map["severities"] { try configuration.engine.severities.configure(value, from: name, reader: reader) }
        try configuration.configureAudiences(map, from: name, reader: reader)
        try configuration.statusPage.configure(map, from: name, reader: reader)
        try configuration.httpLimits.configure(map, from: name, reader: reader)
        try configuration.store.configure(map, from: name, reader: reader)
        if let value = map["oncall"] { configuration.engine.oncall = try OnCallPolicy(configuration: value, at: "\(name): oncall", reader: reader) }
        if let value = map["alerts"] { try AlertRouting.configure(value, at: "\(name): alerts", reader: reader, into: &configuration) }
        if let value = map["pagerduty_url"] {
            let text = try reader.string(value, at: "\(name): pagerduty_url")
            guard let url = URL(string: text), ["http", "https"].contains(url.scheme ?? "") else {
                throw ConfigurationError("\(name): pagerduty_url '\(text)' is not an http(s) URL.")
            }
            configuration.pagerDutyURL = text
        }
        if let value = map["runbooks"] { configuration.runbooks = try Self.runbooks(value, at: "\(name): runbooks", reader: reader) }
        if let value = map["war_room"] { try configuration.engine.warRooms.configure(value, at: "\(name): war_room", reader: reader) }
        if let value = map["business_hours"] {
            try configuration.engine.businessHours.configure(value, at: "\(name): business_hours", reader: reader)
        }
        if let value = map["declare_from_message_severity"] {
            configuration.engine.messageDeclareSeverity = try reader.severity(value, at: "\(name): declare_from_message_severity")
        }
        if let value = map["pin_reaction"] {
            let text = try reader.string(value, at: "\(name): pin_reaction")
            guard let reaction = PinReaction(configured: text) else {
                throw ConfigurationError(
                    "\(name): pin_reaction '\(text)' is not a reaction; write its short name, e.g. pushpin, or the emoji, e.g. 📌."
                )
            }
            configuration.pinReaction = reaction
        }
        if let value = map["briefings"] {
            configuration.briefings = try RoleBriefings(configuration: value, at: "\(name): briefings", reader: reader)
        }
        if let value = map["reminders"] { try configuration.engine.reminders.configure(value, from: name, reader: reader) }
        if let value = map["permissions"] { try configuration.engine.permissions.configure(value, from: name, reader: reader) }
    }

    /// `runbooks:` — a mapping of service or system to an http(s) address, or (from `FIREBELL_RUNBOOKS`)
    /// `service=https://…` pairs separated by commas.
    static func runbooks(_ value: Any, at name: String, reader: ConfigurationReader) throws(ConfigurationError) -> Runbooks {
        var pairs: [(String, String)] = []
        if let map = value as? [String: Any] {
            for (service, url) in map { pairs.append((service, try reader.string(url, at: "\(name): \(service)"))) }
        } else {
            for item in try reader.string(value, at: name).split(separator: ",") {
                let parts = item.split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
                guard parts.count == 2, !parts[0].isEmpty else {
                    throw ConfigurationError("\(name): '\(item)' is not service=https://… (pairs separated by commas).")
                }
                pairs.append((parts[0], parts[1]))
            }
        }
        var runbooks = Runbooks()
        for (service, url) in pairs.sorted(by: { $0.0 < $1.0 }) {
            guard let valid = Runbooks.validURL(url) else {
                throw ConfigurationError("\(name): \(service) has '\(url)', which is not an http(s) address without spaces.")
            }
            runbooks.byService[service] = valid
        }
        return runbooks
    }

    private func path(_ text: String, base: URL) -> URL {
        text.hasPrefix("/") ? URL(fileURLWithPath: text) : base.appendingPathComponent(text)
    }
}
