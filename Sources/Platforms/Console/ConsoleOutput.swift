import Foundation
import IncidentKit
import Messaging

/// Prints the bot's posts and replies to a terminal, the way a channel would show them.
public struct ConsoleOutput: ChatOutbound {
    public let markup = Markup.plain
    private let write: @Sendable (String) -> Void

    /// Writes to standard output, flushing each message so a piped reader sees it at once.
    public init() {
        self.write = { text in
            FileHandle.standardOutput.write(Data((text + "\n").utf8))
        }
    }

    /// Writes through `write` (tests capture the transcript this way).
    public init(write: @escaping @Sendable (String) -> Void) { self.write = write }

    public func post(_ post: RenderedPost, in channel: ChannelRef) async {
        // A terminal cannot edit what it printed; the notices already tell each change.
        guard post.purpose != .headline else { return }
        write("── #\(channel.channel) · Firebell ──\n\(post.text)\n")
    }

    public func reply(_ text: String, to user: UserRef, in channel: ChannelRef) async {
        write("(only \(user) sees this) \(text)\n")
    }
}
