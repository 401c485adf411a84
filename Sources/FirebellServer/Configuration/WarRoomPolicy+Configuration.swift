import IncidentKit
import Platforms

/// The `war_room:` section, read beside the policy it configures: `severities` (a list, or `none` to turn war rooms
/// off; environment `FIREBELL_WAR_ROOM_SEVERITIES=sev1,sev2`), `prefix` (lower-case letters, digits, hyphens) and
/// `archive_after` (a duration, or `never`).
extension WarRoomPolicy {
    static let configurationKeys: Set<String> = ["severities", "prefix", "archive_after"]

    mutating func configure(_ value: Any, at name: String, reader: ConfigurationReader) throws(ConfigurationError) {
        guard let settings = value as? [String: Any] else {
            throw ConfigurationError("\(name) must be a mapping (severities, prefix, archive_after).")
        }
        try reader.rejectUnknown(settings, allowed: Self.configurationKeys, at: name)
        if let v = settings["severities"] {
            let off = (v as? String).map { ["none", "off", ""].contains($0.lowercased()) } ?? (v as? Bool == false)
            severities = off ? [] : try reader.severities(v, at: "\(name).severities")
        }
        if let v = settings["prefix"] {
            let text = try reader.string(v, at: "\(name).prefix")
            guard !text.isEmpty, text.count <= 16, Self.slug(text) == text else {
                throw ConfigurationError("\(name).prefix '\(text)' must be 1 to 16 lower-case letters, digits and hyphens, like inc.")
            }
            prefix = text
        }
        if let v = settings["archive_after"] {
            let text = try reader.string(v, at: "\(name).archive_after")
            archiveAfter = ["never", "off", "none"].contains(text.lowercased()) ? nil : try reader.span(text, at: "\(name).archive_after")
        }
    }
}
