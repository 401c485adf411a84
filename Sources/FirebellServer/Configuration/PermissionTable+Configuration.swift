import Foundation
import IncidentKit
import Platforms

/// The `permissions:` section, read beside the table it configures: actions mapped to the roles that may take them.
extension PermissionTable {
    mutating func configure(_ value: Any, from name: String, reader: ConfigurationReader) throws(ConfigurationError) {
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
            restrictions[action] = set
        }
    }
}
