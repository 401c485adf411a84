import Foundation

/// `application/x-www-form-urlencoded` fields, as Slack sends slash commands and interactions.
public struct FormFields: Sendable, Equatable {
    public let values: [String: String]

    /// Parses a form body; nil when it is not valid UTF-8 or percent-encoding.
    public init?(body: some DataProtocol) {
        guard let text = String(bytes: body, encoding: .utf8) else { return nil }
        var values: [String: String] = [:]
        for pair in text.split(separator: "&", omittingEmptySubsequences: true) {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            guard let key = Self.decode(parts[0]), let value = Self.decode(parts.count > 1 ? parts[1] : "") else { return nil }
            values[key] = value
        }
        self.values = values
    }

    public subscript(key: String) -> String? { values[key] }

    /// Fields that arrived already decoded (Socket Mode sends them as JSON).
    public init(values: [String: String]) { self.values = values }

    private static func decode(_ part: Substring) -> String? {
        part.replacingOccurrences(of: "+", with: " ").removingPercentEncoding
    }
}
