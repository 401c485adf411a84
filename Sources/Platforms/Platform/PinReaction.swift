/// The reaction that puts a chat message on the incident's timeline (📌 `pushpin` by default; `pin_reaction:`):
/// Slack and Mattermost name reactions (`pushpin`, with skin tones as `::skin-tone-2`), Matrix sends the emoji
/// itself as the annotation's key.
package struct PinReaction: Sendable, Equatable {
    /// The short name, as Slack and Mattermost send it.
    package var name: String
    /// The emoji, as Matrix sends it.
    package var emoji: String

    package init(name: String, emoji: String) {
        self.name = name
        self.emoji = emoji
    }

    package static let pushpin = PinReaction(name: "pushpin", emoji: "📌")

    /// Emoji for the names teams are likely to choose; any other name is matched on Slack and Mattermost only,
    /// unless it is given as the emoji itself.
    static let knownEmoji = [
        "pushpin": "📌", "round_pushpin": "📍", "memo": "📝", "bookmark": "🔖", "star": "⭐", "eyes": "👀", "paperclip": "📎",
    ]

    /// From the configured text: a short name (`pushpin`, `:memo:`) or an emoji (`📌`).
    package init?(configured text: String) {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        let name = trimmed.hasPrefix(":") && trimmed.hasSuffix(":") && trimmed.count > 2 ? String(trimmed.dropFirst().dropLast()) : trimmed
        if let known = Self.knownEmoji.first(where: { $0.value == name }) {
            self.init(name: known.key, emoji: known.value)
            return
        }
        guard !name.isEmpty, name.count <= 100, name.allSatisfy({ $0.isLetter || $0.isNumber || "_-+".contains($0) }), name.allSatisfy(\.isASCII)
        else { return nil }
        self.init(name: name, emoji: Self.knownEmoji[name] ?? name)
    }

    /// Whether a Slack or Mattermost reaction name is this one (any skin tone).
    package func matches(name reaction: String) -> Bool {
        reaction == name || reaction.hasPrefix(name + "::")
    }

    /// Whether a Matrix annotation key is this one (with or without the emoji variation selector).
    package func matches(key: String) -> Bool {
        key == emoji || key.unicodeScalars.filter { $0.value != 0xFE0F } == emoji.unicodeScalars.filter { $0.value != 0xFE0F }
    }
}
