import Foundation
import IncidentKit

/// Prints the bot's posts and replies to a terminal, the way a channel would show them.
package struct ConsoleOutput: Sendable {
    private let write: @Sendable (String) -> Void

    /// Writes to standard output, flushing each message so a piped reader sees it at once.
    package init() {
        self.write = { text in
            FileHandle.standardOutput.write(Data((text + "\n").utf8))
        }
    }

    /// Writes through `write` (tests capture the transcript this way).
    package init(write: @escaping @Sendable (String) -> Void) { self.write = write }

    /// A post in `channel`.
    package func post(_ text: String, in channel: ChannelRef) {
        write("── #\(channel.channel) · Firebell ──\n\(text)\n")
    }

    /// A message only `user` sees.
    package func reply(_ text: String, to user: UserRef) {
        write("(only \(user) sees this) \(text)\n")
    }
}
