/// Discord's limits on message text.
public enum DiscordContent {
    /// Discord's limit for a message's content.
    public static let maxLength = 2000

    /// Text cut to 2,000 characters, saying so.
    public static func fitted(_ text: String) -> String {
        guard text.count > maxLength else { return text }
        return String(text.prefix(maxLength - 40)) + "\n… (cut: Discord's 2,000-character limit)"
    }
}
