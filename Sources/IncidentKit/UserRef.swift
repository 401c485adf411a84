/// A person, by the id the chat platform gives them (`alice` in the console, `U024BE7LH` on Slack).
package struct UserRef: Hashable, Codable, Sendable, CustomStringConvertible {
    package let id: String

    package init(_ id: String) { self.id = id }

    package init(from decoder: any Decoder) throws {
        id = try decoder.singleValueContainer().decode(String.self)
    }

    package func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(id)
    }

    /// "@alice".
    package var description: String { "@\(id)" }

    /// The names every chat platform treats as "notify everyone"; never valid as a person.
    package static let broadcastNames: Set<String> = ["channel", "here", "everyone", "all", "room", "group"]

    /// Parses `@alice`, `@alice:example.org` (Matrix), and the escaped forms `<@U024BE7LH>`, `<@U024BE7LH|alice>`
    /// (Slack) and `<@80351110224678912>`, `<@!80351110224678912>` (Discord).
    /// Returns nil for anything else, including broadcast names such as `@channel`.
    package init?(mention text: String) {
        var body = Substring(text)
        if body.hasPrefix("<@"), body.hasSuffix(">") {
            body = body.dropFirst(2).dropLast()
            if body.hasPrefix("!") { body = body.dropFirst() }
            if let bar = body.firstIndex(of: "|") { body = body[..<bar] }
        } else if body.hasPrefix("@") {
            body = body.dropFirst()
        } else {
            return nil
        }
        guard Self.isValidID(body) else { return nil }
        self.id = String(body)
    }

    static func isValidID(_ body: Substring) -> Bool {
        guard !body.isEmpty, body.count <= 160, !broadcastNames.contains(body.lowercased()) else { return false }
        return body.unicodeScalars.allSatisfy { scalar in
            // ':' for Matrix ids (`@alice:example.org`) and Teams ids (`29:1Xb…`, up to about 130 characters).
            scalar.properties.isAlphabetic || ("0"..."9").contains(scalar) || "._-':".unicodeScalars.contains(scalar)
        }
    }
}
