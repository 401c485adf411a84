/// What a chat platform can do, which decides how Firebell's effects are placed and how invokers are answered.
package struct PlatformCapabilities: OptionSet, Sendable, Hashable {
    package let rawValue: Int
    package init(rawValue: Int) { self.rawValue = rawValue }

    /// A post can be edited: the Initial Alert is kept current as the incident's headline.
    package static let edits = PlatformCapabilities(rawValue: 1 << 0)
    /// Replies can hang under a post: reminders go to the incident's thread.
    package static let threads = PlatformCapabilities(rawValue: 1 << 1)
    /// A reply only the invoker sees (errors, help, views).
    package static let ephemeralReplies = PlatformCapabilities(rawValue: 1 << 2)
    /// The bot can message a person directly by their id (a page reaches them outside the channel).
    package static let directMessages = PlatformCapabilities(rawValue: 1 << 3)
    /// Posts can carry buttons (Acknowledge, Post update, Snooze).
    package static let buttons = PlatformCapabilities(rawValue: 1 << 4)
    /// A time written as a token each reader sees in their own time zone.
    package static let localTimeTokens = PlatformCapabilities(rawValue: 1 << 5)
    /// The bot can create channels (war rooms).
    package static let channelCreation = PlatformCapabilities(rawValue: 1 << 6)
}
