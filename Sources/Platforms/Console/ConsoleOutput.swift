import Foundation
import IncidentKit

/// Prints the bot's posts and replies to a terminal, the way a channel would show them.
public struct ConsoleOutput: Sendable {
    private let write: @Sendable (String) -> Void

    /// Writes to standard output, flushing each message so a piped reader sees it at once.
    public init() {
        self.write = { text in
            FileHandle.standardOutput.write(Data((text + "\n").utf8))
        }
    }

    /// Writes through `write` (tests capture the transcript this way).
    public init(write: @escaping @Sendable (String) -> Void) { self.write = write }

    /// A post in `channel`.
    public func post(_ text: String, in channel: ChannelRef) {
        write("── #\(channel.channel) · Firebell ──\n\(text)\n")
    }

    /// A message only `user` sees.
    public func reply(_ text: String, to user: UserRef) {
        write("(only \(user) sees this) \(text)\n")
    }
}
