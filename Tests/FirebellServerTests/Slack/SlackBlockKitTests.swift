import AsyncHTTPClient
import Foundation
import Hummingbird
import HummingbirdTesting
import IncidentKit
import Messaging
import Testing

@testable import Platforms

/// Slack posts as Block Kit: mrkdwn sections marked `verbatim`, split so a long post keeps every line within
/// Slack's limits (3,000 characters a section, counted as Slack counts them) and never breaks inside an escape.
@Suite("Slack Block Kit", .timeLimit(.minutes(1)))
struct SlackBlockKitTests {
    let id = IncidentID(year: 2026, sequence: 3)

    @Test func aLongStatusUpdateReachesSlackWholeInVerbatimSections() async throws {
        // An update pasted from a terminal: escapes that grow (`<` → `&lt;`) and emoji that count twice in UTF-16.
        let pasted = String(repeating: "p99 <2s & rising 🚨 ", count: 260) + "\n" + String(repeating: "a&b ", count: 900)
        var state = ChannelState()
        let at = Date(timeIntervalSince1970: 1_795_000_000)
        state.apply(
            EventRecord(
                sequence: 1,
                at: at,
                actor: UserRef("U1"),
                incident: id,
                event: .declared(title: "Checkout", severity: .sev2, impact: nil, systems: [])
            )
        )
        state.apply(
            EventRecord(
                sequence: 2,
                at: at,
                actor: UserRef("U1"),
                incident: id,
                event: .updatePosted(text: pasted, nextUpdateAt: at.addingTimeInterval(1800), eta: nil)
            )
        )
        let text = MessageRenderer(templates: try TemplateLibrary()).render(.statusUpdate(id), state: state, markup: .slack)
        #expect(text.utf16.count > 3 * SlackBlocks.sectionLimit, "long enough to need several sections")

        let standIn = SlackStandIn()
        try await standIn.application().test(.live) { standInClient in
            try await withHTTPClient { client in
                let api = SlackWebAPI(baseURL: "http://127.0.0.1:\(standInClient.port!)/api/", token: "xoxb-test", client: client)
                let source = ChannelRef(platform: .slack, workspace: "T1", channel: "C1")
                let effect = EffectID(channel: source, sequence: 2, index: 0)
                let message = OutboundMessage(
                    effect: effect,
                    key: effect.key,
                    channel: source,
                    incident: id,
                    text: text,
                    kind: .post(.channel),
                    plannedAt: Date()
                )
                let result = await api.deliver(message)
                guard case .delivered = result else {
                    Issue.record("Slack refused the post: \(result)")
                    return
                }
            }
        }
        let posted = try #require(await standIn.messages(in: "C1").first)
        #expect(posted.sections.count >= 4)
        for section in posted.sections {
            #expect(section.type == "mrkdwn" && section.verbatim, "verbatim: Slack finds no mentions or links of its own")
            #expect(section.text.utf16.count <= SlackBlocks.sectionLimit)
            #expect(section.text.range(of: #"&[a-z]{0,3}$"#, options: .regularExpression) == nil, "no section ends inside an escape")
            #expect(section.text.range(of: #"^[a-z]{0,3};"#, options: .regularExpression) == nil, "no section starts inside one")
        }
        let shown = posted.sections.map(\.text).joined()
        #expect(shown.filter { !$0.isNewline } == text.filter { !$0.isNewline }, "nothing cut: every character arrives, in order")
        #expect(posted.text.contains("*Next Update:* <!date^"), "the last field is there, in the reader's time zone")
        #expect(posted.text.contains("|2026-11-18 11:36 UTC>"), "with the UTC text where Slack cannot show the token")
    }

    @Test func aLongLineBreaksOnlyBetweenEscapesMentionsAndCharacters() {
        for unit in ["&amp;", "&lt;", "<@U0123456789>", "<!here>", "🚨", "é"] {
            let line = String(repeating: unit, count: 9000 / unit.utf16.count + 7)
            let sections = SlackSectionSplitter.sections(line, limit: SlackBlocks.sectionLimit)
            #expect(sections.count >= 3)
            #expect(sections.joined() == line)
            for section in sections {
                #expect(section.utf16.count <= SlackBlocks.sectionLimit)
                #expect(section.utf16.count % unit.utf16.count == 0 && section.hasPrefix(unit), "\(unit): whole units only")
            }
        }
    }

    @Test func shortPostsAreOneSectionAndFieldsStayOnTheirLines() {
        let text = "*🚨 Initial Alert: x*\n*Severity:* SEV1 (Critical)\n\n*Status:* Investigating"
        #expect(SlackSectionSplitter.sections(text, limit: SlackBlocks.sectionLimit) == [text])
        let fields = (1...400).map { "*Field \($0):* value" }.joined(separator: "\n")
        let sections = SlackSectionSplitter.sections(fields, limit: SlackBlocks.sectionLimit)
        #expect(sections.count > 1)
        #expect(sections.allSatisfy { $0.hasPrefix("*Field ") && $0.hasSuffix("value") }, "breaks fall between lines")
        #expect(sections.joined(separator: "\n") == fields)
    }

    @Test func aPostOverFiftyBlocksSaysWhereTheRestIs() throws {
        let text = String(repeating: String(repeating: "x", count: 2999) + "\n", count: 60)
        let blocks = SlackBlocks.blocks(text: text, actionsFor: id)
        #expect(blocks.count == SlackBlocks.blockLimit)
        guard case .section(let last) = blocks[blocks.count - 2] else {
            Issue.record("the block before the buttons is a section")
            return
        }
        #expect(last.text.contains("/incident timeline"))
    }
}
