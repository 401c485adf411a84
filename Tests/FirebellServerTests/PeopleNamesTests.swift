import Foundation
import IncidentKit
import IncidentStore
import Messaging
import Testing

@testable import FirebellServer
@testable import Platforms

/// People are shown by the names the platforms give them — in notices, confirmations, the timeline and the
/// postmortem — and mentioned (which notifies) only where a post means to reach them; names are kept in the log.
@Suite("People shown as people")
struct PeopleNamesTests {
    static let channel = ChannelRef(platform: .slack, workspace: "T0", channel: "C0INC")

    func say(_ service: IncidentService, _ text: String, as id: String, named name: String?) async -> Answer {
        await service.transactValid(.command(InboundCommand(channel: Self.channel, actor: UserRef(id), arguments: text, actorName: name)))
    }

    @Test func noticesConfirmationsTimelineAndPostmortemNamePeopleWhileAlertsMentionThem() async throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let sink = RecordingSink()
        let service = try IncidentService(configuration: FirebellConfiguration.inPlace(folder.url), logger: quietLogger(), sink: sink)
        let declared = await say(service, "declare sev2 Checkout down", as: "U0CAROL", named: "carol")
        #expect(declared.confirmation == "✓ carol declared SEV2 “Checkout down”")
        #expect(declared.records.first?.actorName == "carol", "the name is kept with the transaction")
        let role = await say(service, "role ic <@U0ALICE>", as: "U0CAROL", named: "carol")
        #expect(role.records.first?.actorName == nil, "a name the channel knows is not written again")
        #expect(role.confirmation == "✓ carol made @U0ALICE Incident Commander", "someone who never spoke is shown by id")
        let notice = try #require(role.posts(in: Self.channel).first { $0.text.contains("Incident Commander") })
        #expect(notice.text == "INC-2026-0001: carol made @U0ALICE Incident Commander", "a notice names people and pings nobody")
        let headline = try #require(sink.messages.last { $0.kind == .edit })
        #expect(headline.text.contains("*Commander:* <@U0ALICE>"), "the Initial Alert reaches its Commander with a real mention")

        _ = await say(service, "ack", as: "U0ALICE", named: "Alice Smith")
        _ = await say(service, "resolve root cause: a flag", as: "U0ALICE", named: "Alice Smith")
        let timeline = try #require(await say(service, "timeline", as: "U0CAROL", named: "carol").reply)
        #expect(timeline.contains("carol made Alice Smith Incident Commander"), "history reads with the names people go by")
        #expect(!timeline.contains("U0ALICE") && !timeline.contains("U0CAROL"), "no platform ids in the timeline")

        // Names survive a restart: they are in the log.
        let restarted = try IncidentService(configuration: FirebellConfiguration.inPlace(folder.url), logger: quietLogger())
        let draft = try #require(await restarted.run("postmortem", in: Self.channel, as: "U0CAROL").reply)
        #expect(
            draft.contains("**Incident Commander:** Alice Smith") && draft.contains("**Contributors:** carol, Alice Smith"),
            "\(draft.prefix(600))"
        )
        #expect(!draft.contains("U0ALICE"), "the postmortem never shows platform ids")
        let catalog = await restarted.incidentCatalog()
        let written = PostmortemWriter().markdown(
            catalog[0].incident,
            records: try await restarted.records(of: Self.channel),
            names: catalog[0].names
        )
        #expect(written.contains("Declared by carol"), "firebell postmortem reads the names too")
    }

    @Test func aNameCannotPingFormatOrForgeALine() async throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let service = try IncidentService(configuration: FirebellConfiguration.inPlace(folder.url), logger: quietLogger())
        let answer = await say(service, "declare sev3 Slow", as: "U0EVE", named: "<!channel> *eve*\nStatus: Resolved")
        let confirmation = try #require(answer.confirmation)
        #expect(!confirmation.contains("<!channel>") && confirmation.contains("&lt;!channel&gt;"), "escaped for Slack")
        #expect(!confirmation.contains("\n"), "a name is one line: \(confirmation)")
        #expect(PeopleNames.cleaned(String(repeating: "x", count: 500))?.count == 80)
        #expect(PeopleNames.cleaned("  \n ") == nil)
        #expect(PeopleNames.cleaned("\t Eve\r\nAdams\u{2028}Jr \n") == "Eve Adams Jr", "edges trimmed, line breaks inside become spaces")
        #expect(PeopleNames.cleaned("\u{00A0}Zoë\u{00A0}") == "Zoë", "a no-break space is whitespace too")
    }

    @Test func discordPingsOnlyThePeopleFirebellMentions() {
        let allowed = DiscordMessage.allowed(in: "📟 <@80351110224678912> you are paged; <@!41771983423143937> too; user text \\<@1\\>")
        #expect(allowed.parse == [] && allowed.users == ["80351110224678912", "41771983423143937"])
        #expect(DiscordMessage.allowed(in: "@here the next update is due").parse == ["everyone"])
        #expect(DiscordMessage(content: "x", pinging: false).allowedMentions == DiscordAllowedMentions(parse: []))
    }
}
