import IncidentKit
import Platforms

/// The `briefings:` section, read beside the type it configures: `off` (or `FIREBELL_BRIEFINGS=off`) sends none;
/// a mapping from role (`ic`, `lead`, `scribe`, `comms`) to a list of lines replaces that role's checklist, and
/// `off` or an empty list for a role sends none for it. Roles not named keep the guide's checklist.
extension RoleBriefings {
    init(configuration value: Any, at name: String, reader: ConfigurationReader) throws(ConfigurationError) {
        if Self.isOff(value) {
            self = .off
            return
        }
        guard let map = value as? [String: Any] else {
            throw ConfigurationError("\(name) must be off or a mapping from role (ic, lead, scribe, comms) to a list of lines.")
        }
        var briefings = RoleBriefings.standard
        for key in map.keys.sorted() {
            guard let role = Role(parsing: key) else {
                throw ConfigurationError("\(name): '\(key)' is not a role; use ic, lead, scribe or comms.")
            }
            let value = map[key]!
            var lines: [String] = []
            if let list = value as? [Any] {
                for item in list { lines.append(try reader.string(item, at: "\(name).\(key)")) }
            } else if !Self.isOff(value) {
                lines = [try reader.string(value, at: "\(name).\(key)")]
            }
            guard lines.allSatisfy({ !$0.contains("\n") && $0.utf8.count <= 500 }) else {
                throw ConfigurationError("\(name).\(key): each line must be one line of at most 500 bytes.")
            }
            briefings.checklists[role] = lines
        }
        self = briefings
    }

    /// YAML reads an unquoted `off` as false.
    private static func isOff(_ value: Any) -> Bool {
        if let flag = value as? Bool { return !flag }
        if let text = value as? String { return ["off", "none", "false"].contains(text.lowercased()) }
        return false
    }
}
