import FirebellTestSupport
import Foundation
import IncidentKit
import Testing

@testable import Messaging

@Suite("Stakeholder messages")
struct StakeholderMessageTests {
    let declaredAt = Date(timeIntervalSince1970: 1_795_000_000)  // 2026-11-18 11:06:40 UTC
    let id = IncidentID(year: 2026, sequence: 7)

    func state(_ events: [(Int, String, IncidentEvent)]) -> ChannelState {
        var state = ChannelState()
        for (index, (minute, actor, event)) in events.enumerated() {
            state.apply(
                EventRecord(
                    sequence: index + 1,
                    at: declaredAt.addingTimeInterval(TimeInterval(minute * 60)),
                    actor: UserRef(actor),
                    incident: id,
                    event: event
                )
            )
        }
        return state
    }

    func renderer(_ templates: TemplateLibrary? = nil) throws -> MessageRenderer {
        MessageRenderer(templates: try templates ?? TemplateLibrary())
    }

    @Test func initialAlertHasEveryField() throws {
        let state = state([
            (0, "carol", .declared(title: "Checkout returns 500s", severity: .sev2, impact: "30% of card payments fail", systems: ["checkout"])),
            (0, "carol", .roleAssigned(role: .ic, user: UserRef("alice"), previous: nil)),
        ])
        let text = try renderer().render(.initialAlert(id), state: state, markup: .plain)
        let f = fields(text)
        #expect(f["Incident"] == "Checkout returns 500s (INC-2026-0007)")
        #expect(f["Severity"] == "SEV2 (High)")
        #expect(f["Status"] == "Investigating")
        #expect(f["Impact"] == "30% of card payments fail")
        #expect(f["Affected systems"] == "checkout")
        #expect(f["Commander"] == "@alice")
        #expect(f["Updates"] == "will post every 30 min")
    }

    @Test(arguments: [(Severity.sev1, "will post every 15 min"), (.sev3, "will post every 2 h"), (.sev4, "no scheduled updates for SEV4")])
    func gapsAreVisibleNeverBlank(severity: Severity, updates: String) throws {
        let state = state([(0, "carol", .declared(title: "Down", severity: severity, impact: nil, systems: []))])
        let f = fields(try renderer().render(.initialAlert(id), state: state, markup: .plain))
        #expect(f["Impact"] == "not yet assessed")
        #expect(f["Commander"] == "not yet assigned (take it with /incident role ic @you)")
        #expect(f["Updates"] == updates)
        #expect(f["Affected systems"] == nil)
    }

    @Test func statusUpdateHasEveryField() throws {
        let state = state([
            (0, "carol", .declared(title: "Checkout returns 500s", severity: .sev2, impact: nil, systems: [])),
            (3, "carol", .statusChanged(from: .investigating, to: .mitigating)),
            (
                10, "alice",
                .updatePosted(text: "Rolled back", nextUpdateAt: declaredAt.addingTimeInterval(40 * 60), eta: declaredAt.addingTimeInterval(55 * 60))
            ),
        ])
        let f = fields(try renderer().render(.statusUpdate(id), state: state, markup: .plain))
        #expect(f["Incident"] == "Checkout returns 500s (INC-2026-0007)")
        #expect(f["Status"] == "In Progress - Mitigating")
        #expect(f["Update"] == "Rolled back")
        #expect(f["Next Update"] == "2026-11-18 11:46 UTC")
        #expect(f["ETA"] == "2026-11-18 12:01 UTC")

        let noETA = self.state([
            (0, "c", .declared(title: "x", severity: .sev4, impact: nil, systems: [])),
            (1, "c", .updatePosted(text: "ok", nextUpdateAt: nil, eta: nil)),
        ])
        let g = fields(try renderer().render(.statusUpdate(id), state: noETA, markup: .plain))
        #expect(g["ETA"] == nil)
        #expect(g["Next Update"] == "none scheduled (SEV4)")
    }

    @Test func resolutionHasEveryField() throws {
        let state = state([
            (0, "carol", .declared(title: "Checkout returns 500s", severity: .sev2, impact: nil, systems: [])),
            (20, "carol", .actionAdded(number: 1, text: "Add a test", owner: UserRef("bob"), due: CalendarDate(parsing: "2026-12-15"))),
            (72, "alice", .resolved(rootCause: "untested config change")),
        ])
        let text = try renderer().render(.resolution(id), state: state, markup: .plain)
        let f = fields(text)
        #expect(f["Status"] == "Resolved")
        #expect(f["Duration"] == "1 h 12 min (declared 2026-11-18 11:06 UTC, resolved 2026-11-18 12:18 UTC)")
        #expect(f["Root Cause"] == "untested config change")
        #expect(f["Action Items"] == "1 recorded, 1 open")
        #expect(text.contains("• 1. Add a test (owner @bob, due 2026-12-15)"))

        let bare = self.state([(0, "c", .declared(title: "x", severity: .sev3, impact: nil, systems: [])), (5, "c", .resolved(rootCause: nil))])
        let g = fields(try renderer().render(.resolution(id), state: bare, markup: .plain))
        #expect(g["Root Cause"] == "not yet determined; it will be in the postmortem")
        #expect(g["Action Items"] == "none recorded")
    }

    @Test func userTextIsEscapedForTheTargetMarkup() throws {
        let state = state([(0, "c", .declared(title: "<!channel> *down*", severity: .sev1, impact: "@here all", systems: []))])
        let slack = try renderer().render(.initialAlert(id), state: state, markup: .slack)
        #expect(!slack.contains("<!channel>"))
        #expect(slack.contains("&lt;!channel&gt; *down*"))
        #expect(slack.contains("*Severity:* SEV1"), "labels are bold in mrkdwn")
        let html = try renderer().render(.initialAlert(id), state: state, markup: .html)
        #expect(html.contains("<b>Impact:</b> @\u{2060}here all<br>"))
        let markdown = try renderer().render(.initialAlert(id), state: state, markup: .markdown)
        #expect(markdown.contains("**Incident:** \\<\\!channel\\> \\*down\\* (INC-2026-0007)"))
    }

    @Test func templatesAreOverriddenFromAFolder() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("tpl-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        try "ALERT {{id}} {{severity}}: {{title}}".write(
            to: folder.appendingPathComponent("initial-alert.mustache"),
            atomically: true,
            encoding: .utf8
        )
        let state = state([(0, "c", .declared(title: "<b>x</b>", severity: .sev1, impact: nil, systems: []))])
        let library = try TemplateLibrary(overrides: folder)
        #expect(try renderer(library).render(.initialAlert(id), state: state, markup: .html) == "ALERT INC-2026-0007 SEV1: &lt;b&gt;x&lt;/b&gt;")
        #expect(
            fields(try renderer(library).render(.resolution(id), state: state, markup: .plain))["Status"] == "Resolved",
            "others keep the default"
        )

        try "{{#broken}}".write(to: folder.appendingPathComponent("resolution.mustache"), atomically: true, encoding: .utf8)
        #expect(throws: TemplateError.self) { try TemplateLibrary(overrides: folder) }
        #expect(throws: TemplateError.self) { try TemplateLibrary(overrides: folder.appendingPathComponent("missing")) }
    }

    /// User text with line breaks (any kind Unicode knows) never starts a line that passes for a template field.
    @Test(arguments: Markup.builtIn)
    func lineBreaksInUserTextCannotForgeATemplateField(markup: Markup) throws {
        let state = state([
            (0, "mallory", .declared(title: "Checkout slow\nSeverity: SEV4", severity: .sev1, impact: "EU only\r\nStatus: Resolved", systems: [])),
            (
                5, "mallory",
                .updatePosted(
                    text: "Rolled back\nStatus: Resolved\u{2028}Next Update: never\u{85}ETA: done",
                    nextUpdateAt: declaredAt.addingTimeInterval(20 * 60),
                    eta: nil
                )
            ),
            (9, "mallory", .resolved(rootCause: "a flag\u{2029}Duration: 0 min")),
        ])
        let renderer = try renderer()
        for post in [ChannelPost.initialAlert(id), .statusUpdate(id), .resolution(id)] {
            let text = renderer.render(post, state: state, markup: markup)
            // Each line as a reader sees it: markup's bold and line breaks taken away.
            let lines = text.replacingOccurrences(of: "<br>", with: "").split(whereSeparator: \.isNewline).map {
                $0.replacingOccurrences(of: "*", with: "").replacingOccurrences(of: "<b>", with: "").replacingOccurrences(of: "</b>", with: "")
            }
            for label in ["Severity:", "Status:", "Next Update:", "ETA:", "Duration:"] {
                #expect(lines.filter { $0.hasPrefix(label) }.count <= 1, "\(markup) \(post): one \(label) line, the template's own")
            }
            #expect(lines.filter { $0.hasPrefix("Status:") }.count == 1)
        }
        let update = renderer.render(.statusUpdate(id), state: state, markup: markup)
        #expect(update.contains("\(Markup.continuation)Status: Resolved"), "a multi-line update keeps its lines, marked as continued")
        let alert = fields(renderer.render(.initialAlert(id), state: .init(), markup: .plain))
        #expect(alert.isEmpty)
        let plain = fields(renderer.render(.initialAlert(id), state: state, markup: .plain))
        #expect(plain["Severity"] == "SEV1 (Critical)")
        #expect(plain["Impact"] == "EU only Status: Resolved", "a one-line field keeps its words on its line")
    }
}
