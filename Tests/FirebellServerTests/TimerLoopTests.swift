import Foundation
import IncidentKit
import Messaging
import Platforms
import Testing

@testable import FirebellServer

@Suite("Timer loop", .timeLimit(.minutes(1)))
struct TimerLoopTests {
    @Test func sleepsUntilTheEarliestDeadlineAndReplansWhenASoonerOneIsArmed() async throws {
        let drill = try TimerDrill()
        defer { drill.remove() }
        await drill.run("declare sev2 Down")
        await drill.run("role ic @alice")
        let loop = Task { await TimerLoop(service: drill.service).run() }
        defer { loop.cancel() }
        // Reminders are the thread replies starting with ⏰ among what reaches delivery (commands' posts and the
        // IC's briefing are there too).
        var received = drill.delivered.filter { $0.placement == .thread && $0.text.hasPrefix("⏰") }.makeAsyncIterator()

        // The loop sleeps until the SEV2 reminder at 30 min. Raising to SEV1 at 1 min arms 15 min:
        // unless the sleeper is woken and re-plans, advancing to 15 min delivers nothing and this test times out.
        drill.clock.advance(by: 60)
        await drill.run("sev 1 spreading")
        drill.clock.advance(by: 14 * 60)
        let first = await received.next()
        #expect(first?.text.contains("(SEV1: Down) is due now") == true)
        #expect(first?.channel == drill.channel)
        #expect(first?.placement == .thread, "adapters with threads keep reminders in the incident's thread")
        #expect(first?.incident?.description == "INC-2026-0001")

        drill.clock.advance(by: 7.5 * 60)
        let second = await received.next()
        #expect(second?.text.hasPrefix("⏰ Second reminder") == true)
    }

    @Test func theConsoleShowsRemindersWhileWaitingForInput() async throws {
        let drill = try TimerDrill()
        defer { drill.remove() }
        let (printed, printer) = AsyncStream<String>.makeStream()
        let console = ConsoleOutput { printer.yield($0) }
        drill.sink.attach(console)
        let session = ConsoleSession(service: drill.service, channel: drill.channel, defaultUser: UserRef("carol"), output: console)
        let (lines, typist) = AsyncStream<String>.makeStream()
        let running = Task { try await session.run(lines: lines) }
        var output = printed.makeAsyncIterator()

        typist.yield("/incident declare sev1 Checkout down")
        #expect(await output.next()?.contains("Initial Alert") == true)
        typist.yield("/incident role ic @alice")
        #expect(await output.next()?.contains("made @alice Incident Commander") == true)
        #expect(await output.next()?.contains("📋 @alice, you are the Incident Commander of INC-2026-0001") == true, "the console has no DMs")
        // Nobody types; time passes.
        drill.clock.advance(by: 15 * 60)
        #expect(await output.next()?.contains("⏰ @alice The next Status Update for INC-2026-0001") == true)
        typist.finish()
        try await running.value
    }
}
