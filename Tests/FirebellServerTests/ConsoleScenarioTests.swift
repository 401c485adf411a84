import Foundation
import IncidentKit
import IncidentStore
import Platforms
import Testing

@testable import FirebellServer

@Suite("Console scenario")
struct ConsoleScenarioTests {
    static let scenario = [
        "/incident declare sev2 Checkout returns 500s impact: 30% of card payments fail",
        "/incident role ic @alice",
        "/incident ack",
        "/incident status mitigating",
        "/incident update Rolled back release 2026.11.3, error rate falling next: 30m eta: 45m",
        "/incident note Error rate back under 1%",
        "/incident mitigated Rollback complete",
        "/incident action add Add integration test for the payment flow @bob due: 2026-12-15",
        "@alice: /incident resolve root cause: release 2026.11.3 shipped an untested config change",
        "/incident timeline",
    ]

    let channel = ChannelRef(platform: .console, workspace: "local", channel: "incident")
    let start = Date(timeIntervalSince1970: 1_795_000_000)  // 2026-11-18 11:06:40 UTC

    func session(_ folder: TemporaryFolder, _ clock: ManualWallClock, _ transcript: Transcript) throws -> ConsoleSession {
        let service = try IncidentService(
            configuration: FirebellConfiguration(dataDirectory: folder.url),
            clock: clock,
            logger: quietLogger(),
            sink: ConsoleSink(output: transcript.output)
        )
        return ConsoleSession(service: service, channel: channel, defaultUser: UserRef("carol"), output: transcript.output)
    }

    @Test func aWholeIncidentSurvivesARestart() async throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let clock = ManualWallClock(start)
        let transcript = Transcript()
        let first = try session(folder, clock, transcript)
        for line in Self.scenario {
            await first.handle(line: line)
            clock.advance(by: 120)
        }
        let blocks = transcript.blocks
        let alert = try #require(blocks.first { $0.contains("Initial Alert") })
        let a = fields(alert)
        #expect(a["Incident"] == "Checkout returns 500s (INC-2026-0001)")
        #expect(a["Severity"] == "SEV2 (High)")
        #expect(a["Status"] == "Investigating")
        #expect(a["Impact"] == "30% of card payments fail")
        #expect(a["Commander"] == "not yet assigned (take it with /incident role ic @you)")
        #expect(a["Updates"] == "will post every 30 min")

        let update = fields(try #require(blocks.first { $0.contains("Status Update") }))
        #expect(update["Status"] == "In Progress - Mitigating")
        #expect(update["Update"] == "Rolled back release 2026.11.3, error rate falling")
        #expect(update["Next Update"] == "2026-11-18 11:44 UTC", "posted at 11:14:40, next in 30 min")
        #expect(update["ETA"] == "2026-11-18 11:59 UTC")

        let resolution = try #require(blocks.first { $0.contains("Resolution") })
        let r = fields(resolution)
        #expect(r["Status"] == "Resolved")
        #expect(r["Duration"] == "16 min (declared 2026-11-18 11:06 UTC, resolved 2026-11-18 11:22 UTC)")
        #expect(r["Root Cause"] == "release 2026.11.3 shipped an untested config change")
        #expect(resolution.contains("• 1. Add integration test for the payment flow (owner @bob, due 2026-12-15)"))

        let timeline = try #require(blocks.last)
        #expect(timeline.hasPrefix("(only @carol sees this) Timeline of INC-2026-0001"))
        #expect(timeline.split(separator: "\n").count == 10, "a header and nine events")
        #expect(!transcript.text.contains("✗"), "no command of the scenario is refused")

        // Quit and start again on the same data folder.
        let stateBefore = await first.service.state(of: channel)
        let restartedTranscript = Transcript()
        let second = try session(folder, clock, restartedTranscript)
        #expect(await second.service.state(of: channel) == stateBefore)
        await second.handle(line: "/incident timeline")
        #expect(restartedTranscript.text == timeline, "the same timeline, read back from disk")
        await second.handle(line: "/incident actions")
        #expect(restartedTranscript.text.contains("1. Add integration test for the payment flow (owner @bob, due 2026-12-15)"))
        await second.handle(line: "/incident declare sev3 Another one")
        #expect(restartedTranscript.text.contains("(INC-2026-0002)"), "ids continue after a restart")
    }

    @Test func aRefusedCommandChangesNothingOnDisk() async throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let transcript = Transcript()
        let console = try session(folder, ManualWallClock(start), transcript)
        await console.handle(line: "/incident declare sev1 Down")
        await console.handle(line: "/incident role ic @alice")
        let log = DataLayout(root: folder.url).logFile(for: channel)
        let before = try Data(contentsOf: log)
        transcript.clear()
        for bad in ["/incident resolve", "/incident sev 3", "/incident declare sev2 Again", "/incident delcare", "/incident update", "hello there"] {
            await console.handle(line: bad)
        }
        #expect(try Data(contentsOf: log) == before)
        let replies = transcript.blocks
        #expect(replies.count == 6)
        #expect(replies.allSatisfy { $0.hasPrefix("(only @carol sees this)") }, "errors go only to the person who asked")
        #expect(replies[0].contains("Only the Incident Commander (@alice) can resolve INC-2026-0001. To take over: /incident role ic @you"))
        #expect(replies[3].contains("Did you mean 'declare'?"))
        #expect(replies[5].contains("Firebell only reads /incident (or /inc) commands"))
    }

    @Test func idsAreUniqueAcrossChannelsOfOneDataFolder() async throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let service = try IncidentService(
            configuration: FirebellConfiguration(dataDirectory: folder.url),
            clock: ManualWallClock(start),
            logger: quietLogger()
        )
        let outcomes = await withTaskGroup(of: Answer.self) { group in
            for index in 0..<12 {
                group.addTask {
                    await service.run(
                        "declare sev3 Number \(index)",
                        in: ChannelRef(platform: .console, workspace: "local", channel: "c\(index)"),
                        as: "a"
                    )
                }
            }
            return await group.reduce(into: []) { $0.append($1) }
        }
        let ids = outcomes.flatMap(\.records).compactMap(\.incident)
        #expect(outcomes.allSatisfy { $0.result == .accepted })
        #expect(Set(ids).count == 12)
        #expect(Set(ids.map(\.sequence)) == Set(1...12))
    }

    @Test func damagedLinesCostOnlyThemselves() async throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let layout = DataLayout(root: folder.url)
        let broken = ChannelRef(platform: .console, workspace: "local", channel: "broken")
        try FileManager.default.createDirectory(at: layout.logFile(for: broken).deletingLastPathComponent(), withIntermediateDirectories: true)
        try Data("not json\n{\"also\":\"bad\"}\n".utf8).write(to: layout.logFile(for: broken))
        let transcript = Transcript()
        let console = try session(folder, ManualWallClock(start), transcript)
        #expect(console.service.startupRepairs.count == 2 && console.service.startupRepairs.allSatisfy(\.isDamage))
        await console.handle(line: "/incident declare sev2 Still works")
        #expect(transcript.text.contains("Initial Alert"))
    }
}
