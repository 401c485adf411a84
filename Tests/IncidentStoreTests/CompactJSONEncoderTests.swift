import Foundation
import Testing

@testable import IncidentKit
@testable import IncidentStore

/// The log's lines are written by ``CompactJSONEncoder``; a line must be the very bytes `JSONEncoder` wrote before
/// (old and new lines side by side in one log, snapshots' checksums, byte-for-byte migration), for every kind of
/// event and every text a responder can type.
@Suite("Compact JSON encoder")
struct CompactJSONEncoderTests {
    static let at = Date(timeIntervalSince1970: 1_795_000_000)
    static let id = IncidentID(year: 2026, sequence: 7)
    static let carol = UserRef("carol")
    static let room = ChannelRef(platform: .slack, workspace: "T1", channel: "C2")
    /// Texts that need escaping, or must not be escaped: quotes, backslashes, slashes, every kind of control
    /// character, non-ASCII, emoji, line and paragraph separators, markup.
    static let awkward = "“quoted” \"plain\" back\\slash a/b <!channel> @here\n\r\t\u{08}\u{0C}\u{01}\u{1F}\u{7F} é 🔥 \u{2028}\u{2029}"

    /// One of every event, with optional fields both present and absent.
    static let events: [IncidentEvent] = [
        .declared(title: awkward, severity: .sev1, impact: "30% of payments", systems: ["api", "db"]),
        .declared(title: "Down", severity: .sev4, impact: nil, systems: []),
        .acknowledged,
        .severityChanged(from: .sev3, to: .sev1, reason: "spreading"), .severityChanged(from: .sev1, to: .sev2, reason: nil),
        .roleAssigned(role: .ic, user: carol, previous: nil), .roleAssigned(role: .comms, user: carol, previous: UserRef("bob")),
        .statusChanged(from: .triage, to: .investigating), .impactSet(text: awkward), .systemsSet(systems: ["a", awkward]),
        .updatePosted(text: awkward, nextUpdateAt: at, eta: nil), .updatePosted(text: "x", nextUpdateAt: nil, eta: at),
        .notePosted(text: awkward), .notePosted(text: ""), .mitigated(text: nil), .mitigated(text: "rolled back"),
        .resolved(rootCause: awkward), .resolved(rootCause: nil), .reopened(reason: nil), .reopened(reason: "again"),
        .actionAdded(number: 1, text: awkward, owner: carol, due: CalendarDate(parsing: "2026-12-15")),
        .actionAdded(number: 2, text: "t", owner: carol, due: nil), .actionCompleted(number: 1),
        .escalated(level: 2, user: carol), .escalated(level: nil, user: nil), .handoverRecorded(to: carol, notes: awkward),
        .snoozed(until: at), .remindersChanged(setting: .cadence), .remindersChanged(setting: .off),
        .remindersChanged(setting: .every(interval: TimeSpan(seconds: 900))),
        .reminderSent(kind: .updateDue, due: at), .reminderSent(kind: .actionItemDue(number: 3), due: at),
        .reminderSent(kind: .acknowledgeDeadline(level: 2), due: at), .reminderSent(kind: .handoverUnacknowledged(reminder: 1), due: at),
        .holdingUpdatePosted(due: at, nextUpdateAt: nil), .holdingUpdatePosted(due: at, nextUpdateAt: at), .postmortemDrafted,
        .learningRecorded(kind: .wentWell, text: awkward), .learningRecorded(kind: .toImprove, text: "t"), .whyRecorded(text: awkward),
        .incidentLinked(to: IncidentID(year: 2025, sequence: 12), note: nil), .incidentLinked(to: id, note: "same cause"),
        .actionReassigned(number: 1, owner: carol, previous: UserRef("bob")), .visibilityChanged(isPrivate: true),
        .visibilityChanged(isPrivate: false),
        .alertDetected(
            source: "alertmanager",
            key: "{}:{alertname=\"HighErrorRate\"}",
            startedAt: at,
            labels: ["severity": "critical", "alertname": "HighErrorRate", "Zone": "eu", "_x": awkward],
            links: ["https://grafana.example.com/d/abc?x=1&y=2"],
            firing: 3
        ),
        .alertDetected(source: "generic", key: "k", startedAt: nil, labels: [:], links: [], firing: 0),
        .alertsChanged(key: "k", firing: 1, resolved: 2), .alertRecovered(key: "k"),
        .paged(level: 1, user: carol, rotation: "primary"), .reportFiled(number: 1, text: awkward),
        .reportDismissed(number: 1, reason: nil), .reportDeclared(number: 1, reportedAt: at), .handoverAcknowledged,
        .impactDetailRecorded(aspect: .revenue, text: awkward), .postmortemAuthorSet(user: carol),
        .runbookLinked(url: "https://wiki.example.com/runbooks/checkout"),
        .actionTracked(number: 1, key: "OPS-12", url: "https://jira.example.com/browse/OPS-12"),
        .actionTrackingRefused(number: 1, owner: carol, reason: awkward), .pageHeld(level: 1, until: at),
        .messagePinned(message: ChatMessage(id: "m1", author: carol, text: awkward, postedAt: at, link: "https://x/y", reaction: "pushpin")),
        .messagePinned(message: ChatMessage(id: "m2", author: nil, text: "t", postedAt: at, link: nil)),
        .messageUnpinned(messageID: "m1"),
        .warRoomRequested(
            request: WarRoomRequest(incident: id, severity: .sev1, title: awkward, impact: nil, systems: ["api"], declaredBy: carol, name: "inc-7")
        ),
        .warRoomOpened(channel: room, name: "inc-7"), .warRoomRefused(reason: awkward), .warRoomLinked(requestedIn: room, name: "inc-7"),
        .warRoomArchived,
    ]

    static var records: [EventRecord] {
        events.enumerated().map { index, event in
            EventRecord(
                sequence: index + 1,
                at: at.addingTimeInterval(TimeInterval(index)),
                actor: index % 3 == 0 ? carol : UserRef("U\(index)"),
                incident: index % 5 == 4 ? nil : id,
                event: event,
                transactionSize: index % 4 == 0 ? 2 : nil,
                delivery: index % 6 == 0 ? "Ev\(index)" : nil,
                actorName: index % 7 == 0 ? awkward : nil
            )
        }
    }

    @Test func everyEventIsWrittenAsTheBytesJSONEncoderWrites() throws {
        let reference = EventCodec.encoder()
        for record in Self.records {
            let compact = try EventCodec.compactEncoder.encode(record)
            let expected = try reference.encode(record)
            #expect(Data(compact) == expected, "\(String(decoding: compact, as: UTF8.self))\n\(String(decoding: expected, as: UTF8.self))")
            #expect(try EventCodec().record(from: Data(compact)) == record)
        }
    }

    @Test func whatItLeavesToJSONEncoderIsStillWrittenTheSame() throws {
        struct Measured: Codable, Equatable {
            var ratio: Double
        }
        let compact = CompactJSONEncoder()
        #expect(throws: CompactJSONEncoder.Unsupported.self) { try compact.encode(Measured(ratio: 0.5)) }
        #expect(throws: CompactJSONEncoder.Unsupported.self) { try compact.encode(["when": Date()]) }
        #expect(throws: CompactJSONEncoder.Unsupported.self) { try compact.encode(["é": 1]) }
        // A label name that is not ASCII: JSONEncoder's order of such keys is not a byte order, so it writes the line.
        var record = Self.records[0]
        record.event = .alertDetected(source: "s", key: "k", startedAt: nil, labels: ["zone": "a", "région": "b"], links: [], firing: 1)
        let line = try EventCodec().line(for: record)
        #expect(line == (try EventCodec.encoder().encode(record)) + Data([0x0A]))
        #expect(try EventCodec().record(from: line.dropLast()) == record)
    }

    @Test func answersAreWrittenAsJSONEncoderWritesThem() throws {
        struct Answer: Encodable {
            var text: String
            var responseType = "ephemeral"
            var blocks: [[String: String]] = [["type": "section", "text": "a/b"]]
            var count = 3
            var flag = true
            var missing: String? = nil

            enum CodingKeys: String, CodingKey {
                case text, blocks, count, flag, missing
                case responseType = "response_type"
            }
        }
        let reference = JSONEncoder()
        reference.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        let answer = Answer(text: Self.awkward)
        #expect(Data(try CompactJSONEncoder().encode(answer)) == (try reference.encode(answer)))
    }
}
