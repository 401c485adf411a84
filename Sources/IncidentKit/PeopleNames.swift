/// The names people go by in a channel, as the platforms gave them (Slack's user name, Discord's display name,
/// Teams' `from.name`), learned from the inputs they sent and kept in the log with the channel.
///
/// A person is shown by name wherever a post only speaks about them (notices, confirmations, the timeline, the
/// postmortem); a mention, which notifies, is kept for where a post means to reach them.
package struct PeopleNames: Sendable, Equatable {
    package private(set) var byUser: [UserRef: String]

    package init(_ byUser: [UserRef: String] = [:]) { self.byUser = byUser }

    /// The name to show for `user`: the name they go by, else `@id`.
    package func name(_ user: UserRef) -> String { byUser[user] ?? user.description }

    /// Whether `name` for `user` is news (unknown, or changed).
    package func isNew(_ name: String, for user: UserRef) -> Bool { byUser[user] != name }

    mutating func learn(_ name: String, for user: UserRef) { byUser[user] = name }

    /// A display name as given, made safe to keep: trimmed, on one line, at most 80 characters; nil when empty.
    package static func cleaned(_ name: String?) -> String? {
        guard let name else { return nil }
        // Characters, not Foundation's NSString trimming: this runs for every command that names its sender.
        let leading = name.drop(while: \.isWhitespace)
        guard let last = leading.lastIndex(where: { !$0.isWhitespace }) else { return nil }
        let kept = leading[...last].prefix(80)
        return kept.contains(where: \.isNewline) ? String(kept.map { $0.isNewline ? " " : $0 }) : String(kept)
    }
}
