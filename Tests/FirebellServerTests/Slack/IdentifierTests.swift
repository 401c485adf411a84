import Foundation
import Hummingbird
import HummingbirdTesting
import IncidentKit
import NIOCore
import Testing

@testable import FirebellServer
@testable import IncidentStore

/// Odd ids from a platform: each one that breaks the rule is a 400 that names the problem and writes nothing; every
/// id that keeps it, however long, gets its own log, snapshot and delivery ledger, and survives a restart.
extension SlackServeTests {
    @Test func idsThatBreakTheRuleAre400sThatWriteNothingAndLongIdsWorkEndToEnd() async throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let standIn = SlackStandIn()
        let long = String(repeating: "C:", count: 125)  // 250 bytes, 750 once percent-encoded
        let channel = ChannelRef(platform: .slack, workspace: "T0TEAM", channel: long)
        try await standIn.application().test(.live) { standInClient in
            try await withFirebell(standInPort: standInClient.port!, folder: folder) { client, firebell in
                let cases: [(channel: String, user: String, says: String)] = [
                    ("%00", "UCAROL", "The channel id contains the control character U+0000; ids are printable text."),
                    ("C0%0AX", "UCAROL", "The channel id contains the control character U+000A; ids are printable text."),
                    (String(repeating: "x", count: 256), "UCAROL", "The channel id is 256 bytes long; ids are at most 255 bytes."),
                    ("C0INCIDENT", "U%0D", "The user id contains the control character U+000D; ids are printable text."),
                ]
                for bad in cases {
                    let body = form("declare sev2 Odd id", user: bad.user, channel: bad.channel)
                    let response = try await client.execute(
                        uri: "/slack/commands",
                        method: .post,
                        headers: signed(body),
                        body: ByteBuffer(string: body)
                    )
                    #expect(response.status == .badRequest, "\(bad.channel)")
                    #expect(String(buffer: response.body) == bad.says + "\n")
                    #expect(!String(buffer: response.body).contains(folder.url.path))
                }
                let empty = form("declare sev2 Odd id", channel: "")
                let refused = try await client.execute(uri: "/slack/commands", method: .post, headers: signed(empty), body: ByteBuffer(string: empty))
                #expect(refused.status == .badRequest)
                #expect(DataFolder.logFiles(under: DataLayout(root: folder.url).channelsDirectory).isEmpty, "nothing was written for a refused id")

                #expect(try await command(client, "declare sev2 Checkout down", channel: long).hasPrefix("✓"))
                #expect(try await command(client, "role ic <@UALICE|alice>", channel: long).hasPrefix("✓"))
                #expect(await firebell.outbox.flush(timeout: .seconds(20)))
                #expect(await firebell.service.writeSnapshots() == 1)
                let edits = await standIn.calls.filter { $0.method == "chat.update" && $0.answered == "ok" }
                #expect(!edits.isEmpty, "the headline of a channel with a long id is edited in place")
            }
        }
        let layout = DataLayout(root: folder.url)
        let states = try DataFolder.loadStates(layout)
        #expect(states.fromSnapshots == [channel], "the long id's snapshot is found at the next start")
        #expect(DataFolder.logFiles(under: layout.channelsDirectory).map { layout.channel(forLogFile: $0) } == [channel])
        let ledger = try DeliveryLedger(channel: channel, url: layout.deliveryLedger(for: channel))
        #expect(!ledger.headlines.isEmpty, "where its headline landed is kept")
    }
}
