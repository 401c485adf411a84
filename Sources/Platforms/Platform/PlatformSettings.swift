import Foundation

/// A chat platform's configuration, read beside the platform: its environment variables, and the configuration-file
/// keys it owns (URLs only; secrets come from the environment, never the file).
package protocol PlatformSettings: Sendable {
    /// The top-level configuration-file keys this platform reads (`mattermost_url`); each can also be set as
    /// `FIREBELL_<KEY>`. The loader refuses any other unknown key, naming its path.
    static var fileKeys: [String] { get }
    /// What turns the platform on, for the start-up line that lists what is off ("SLACK_SIGNING_SECRET or SLACK_APP_TOKEN").
    static var enabledBy: String { get }
    /// The settings, or nil when nothing of this platform is configured; an error naming what is missing when it is
    /// half configured.
    init?(environment: [String: String], file: [String: String]) throws(ConfigurationError)
}

/// A configuration that cannot be used, saying where and why.
package struct ConfigurationError: Error, CustomStringConvertible, Sendable {
    package let description: String

    package init(_ description: String) { self.description = description }
}

extension PlatformSettings {
    /// A non-empty environment variable.
    static func value(_ environment: [String: String], _ name: String) -> String? {
        environment[name].flatMap { $0.isEmpty ? nil : $0 }
    }

    /// An http(s) URL without a trailing slash.
    static func httpURL(_ text: String, _ name: String) throws(ConfigurationError) -> String {
        guard let url = URL(string: text), ["http", "https"].contains(url.scheme ?? ""), url.host != nil else {
            throw ConfigurationError("\(name): '\(text)' is not an http(s) URL.")
        }
        return text.hasSuffix("/") ? String(text.dropLast()) : text
    }
}
