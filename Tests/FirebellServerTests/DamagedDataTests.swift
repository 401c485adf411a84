import AsyncHTTPClient
import Foundation
import HummingbirdTesting
import IncidentKit
import IncidentStore
import Platforms
import Testing

@testable import FirebellServer

/// What `firebell serve` does with a log that has a damaged line, or a line from a newer version.
@Suite("Damaged and newer data", .timeLimit(.minutes(1)))
struct DamagedDataTests {
    let channel = ChannelRef(platform: .slack, workspace: "T1", channel: "C0INC")
    let newer = ChannelRef(platform: .slack, workspace: "T1", channel: "C0NEWER")

    @Test func aDamagedLineKeepsTheChannelAndShowsAsDegradedAndANewerLineRefusesOnlyItsChannel() async throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let layout = DataLayout(root: folder.url)
        let at = Date(timeIntervalSince1970: 1_795_000_000)
        let codec = EventCodec()
        let declared = EventRecord(
            sequence: 1,
            at: at,
            actor: UserRef("carol"),
            incident: IncidentID(year: 2026, sequence: 1),
            event: .declared(title: "Checkout down", severity: .sev2, impact: nil, systems: [])
        )
        let note = EventRecord(
            sequence: 3,
            at: at,
            actor: UserRef("carol"),
            incident: IncidentID(year: 2026, sequence: 1),
            event: .notePosted(text: "after the damage")
        )
        let log = layout.logFile(for: channel)
        try FileManager.default.createDirectory(at: log.deletingLastPathComponent(), withIntermediateDirectories: true)
        try (codec.line(for: declared) + Data("{\"seq\":2,\"v\":1,\"event\":{\"noteP".utf8) + Data([0x0A]) + codec.line(for: note)).write(to: log)
        let future = Data(
            #"{"actor":"carol","at":"2026-11-18T11:06:40Z","event":{"declared":{"severity":2,"systems":[],"title":"From the future"}},"incident":"INC-2026-0002","seq":1,"v":7}"#
                .utf8
        )
        try (future + Data([0x0A])).write(to: layout.logFile(for: newer))

        var settings = ServeSettings()
        settings[SlackSettings.self] = SlackSettings(signingSecret: "secret")
        try await withHTTPClient { client in
            let firebell = try FirebellApplication(
                configuration: FirebellConfiguration.inPlace(folder.url),
                settings: settings,
                httpClient: client,
                logger: quietLogger()
            )
            try await firebell.application(port: 0).test(.router) { http in
                let ready = try await http.execute(uri: "/readyz", method: .get)
                #expect(ready.status == .ok, "every channel answers")
                #expect(String(buffer: ready.body).contains("ready, degraded: 1 damaged log line") && String(buffer: ready.body).contains(log.path))
                let metrics = try await http.execute(uri: "/metrics", method: .get)
                #expect(String(buffer: metrics.body).contains("firebell_damaged_log_lines 1"))
            }
            let state = await firebell.service.state(of: channel)
            #expect(state.activeIncident?.title == "Checkout down", "the channel's incident is still there")
            #expect(await firebell.service.run("note still here", in: channel, as: "carol").result == .accepted)
            let refused = await firebell.service.run("declare sev3 Anything", in: newer, as: "carol")
            #expect(refused.result == .failed && refused.text.contains("newer version of Firebell"), "\(refused.text)")
        }
        #expect(FileManager.default.fileExists(atPath: LogReader.damagedLinesFile(forLog: log).path))
        #expect(try Data(contentsOf: layout.logFile(for: newer)) == future + Data([0x0A]), "the newer line is left as it was")
    }
}
