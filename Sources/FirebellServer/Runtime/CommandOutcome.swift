import IncidentKit
import Messaging

/// What handling one command produced: channel posts, a reply for the invoker, and how it ended.
public struct CommandOutcome: Sendable {
    /// How a command ended, for logs and metrics.
    public enum Result: String, Sendable {
        /// Events were recorded durably.
        case accepted
        /// A read-only view was shown.
        case shown
        /// The command was wrong or not allowed; nothing changed.
        case refused
        /// The command was right but could not be saved; nothing changed.
        case failed
    }

    public var result: Result
    public var verb: String
    /// Text only the invoker sees: errors, help, views.
    public var reply: String?
    /// A short confirmation for platforms that must answer the invoker even when the channel got posts.
    public var confirmation: String?
    /// Rendered posts for the channel, in order.
    public var posts: [RenderedPost]
    /// The events that were made durable.
    public var records: [EventRecord]
    /// Copies of the stakeholder posts for the severity's audience channels.
    public var audiencePosts: [AddressedPosts] = []

    static func refused(_ verb: String, _ error: CommandError) -> CommandOutcome {
        CommandOutcome(result: .refused, verb: verb, reply: "✗ \(error)", confirmation: nil, posts: [], records: [])
    }
}
