import Foundation
import IncidentKit
import Messaging
import Platforms

/// A drill in a terminal: one channel, one command per line. The service's sink (a `ConsoleSink` on the same output)
/// prints the bot's posts; the session prints each answer after them.
package struct ConsoleSession: Sendable {
    package let service: IncidentService
    package let channel: ChannelRef
    package let defaultUser: UserRef
    package let output: ConsoleOutput

    package init(service: IncidentService, channel: ChannelRef, defaultUser: UserRef, output: ConsoleOutput) {
        self.service = service
        self.channel = channel
        self.defaultUser = defaultUser
        self.output = output
    }

    /// Handles lines until the input ends, with reminders printed as their timers fire in between.
    /// Each answer is printed only after its events are durable.
    package func run<Lines: AsyncSequence & Sendable>(lines: Lines) async throws where Lines.Element == String {
        let timers = Task { await TimerLoop(service: service).run() }
        defer { timers.cancel() }
        for try await raw in lines {
            await handle(line: raw)
        }
    }

    /// Handles one typed line.
    package func handle(line raw: String) async {
        let line = ConsoleLine(raw, defaultSpeaker: defaultUser)
        guard !line.text.isEmpty, !line.text.hasPrefix("#") else { return }
        guard let arguments = CommandParser.stripCommandName(line.text) else {
            output.reply("Firebell only reads /incident (or /inc) commands; try /incident help.", to: line.speaker)
            return
        }
        do {
            let answer = try await service.transact(.command(InboundCommand(channel: channel, actor: line.speaker, arguments: arguments)))
            if let reply = answer.reply { output.reply(reply, to: line.speaker) }
        } catch {
            output.reply("✗ \(error)", to: line.speaker)
        }
    }
}

/// Lines of standard input as an async sequence, read on a thread of their own so a blocking read
/// never holds one of the few threads Swift concurrency runs on.
package enum StandardInputLines {
    package static func stream() -> AsyncStream<String> {
        AsyncStream { continuation in
            let thread = Thread {
                while let line = readLine(strippingNewline: true) { continuation.yield(line) }
                continuation.finish()
            }
            thread.start()
        }
    }
}
