/// Discord's limits on message text.
package enum DiscordContent {
    /// Discord's limit for a message's content.
    package static let maxLength = 2000

    /// Text cut to 2,000 characters, saying so.
    package static func fitted(_ text: String) -> String {
        guard text.count > maxLength else { return text }
        return String(text.prefix(maxLength - 40)) + "\n… (cut: Discord's 2,000-character limit)"
    }
}
