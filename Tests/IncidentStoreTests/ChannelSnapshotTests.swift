import FirebellTestSupport
import Foundation
import Testing

@testable import IncidentKit
@testable import IncidentStore

@Suite("Channel snapshots")
struct ChannelSnapshotTests {
    let start = Date(timeIntervalSince1970: 1_795_000_000)
    let channel = ChannelRef(platform: .slack, workspace: "T1", channel: "C1")

    /// A whole incident, then a second one still open.
    func records() -> [EventRecord] {
        let first = IncidentID(year: 2026, sequence: 1)
        let second = IncidentID(year: 2026, sequence: 2)
        let events: [(IncidentID?, IncidentEvent)] = [
            (first, .declared(title: "Checkout returns 500s", severity: .sev2, impact: "30% of card payments fail", systems: ["checkout"])),
            (first, .roleAssigned(role: .ic, user: UserRef("alice"), previous: nil)), (first, .acknowledged),
            (first, .updatePosted(text: "Rolled back", nextUpdateAt: start.addingTimeInterval(1800), eta: nil)),
            (first, .actionAdded(number: 1, text: "Add a test", owner: UserRef("bob"), due: CalendarDate(parsing: "2027-01-05"))),
            (first, .learningRecorded(kind: .wentWell, text: "Fast rollback")), (first, .resolved(rootCause: "config change")),
            (nil, .reportFiled(number: 1, text: "Search is slow")),
            (second, .declared(title: "Search is slow", severity: .sev3, impact: nil, systems: [])),
        ]
        return events.enumerated().map { index, pair in
            EventRecord(
                sequence: index + 1,
                at: start.addingTimeInterval(Double(index * 60)),
                actor: UserRef("carol"),
                incident: pair.0,
                event: pair.1
            )
        }
    }

    func folderWithLog(_ records: [EventRecord]) throws -> (TemporaryFolder, DataLayout, URL) {
        let folder = try TemporaryFolder()
        let layout = DataLayout(root: folder.url)
        let log = layout.logFile(for: channel)
        try ChannelLog(url: log).append(records)
        return (folder, layout, log)
    }

    @Test func aValidSnapshotIsReadInsteadOfTheLogAndEqualsTheReplay() throws {
        let (folder, layout, log) = try folderWithLog(records())
        defer { folder.remove() }
        try ChannelSnapshot.write(ChannelState(replaying: records()), forLog: log)
        let loaded = try DataFolder.loadStates(layout)
        #expect(loaded.fromSnapshots == [channel])
        guard case .snapshot(let unread) = loaded.channels[channel] else {
            Issue.record("the channel should wait in its snapshot, not be replayed")
            return
        }
        let read = try unread.read(now: Date())
        #expect(read.fromSnapshot && read.state == ChannelState(replaying: records()))
        #expect(Set(loaded.incidentIDs) == [IncidentID(year: 2026, sequence: 1), IncidentID(year: 2026, sequence: 2)])
    }

    @Test func eventsAppendedAfterTheSnapshotAreNotLost() throws {
        let (folder, layout, log) = try folderWithLog(records())
        defer { folder.remove() }
        try ChannelSnapshot.write(ChannelState(replaying: records()), forLog: log)
        // What a crash leaves: events appended after the last snapshot.
        let later = EventRecord(
            sequence: records().count + 1,
            at: start.addingTimeInterval(3600),
            actor: UserRef("carol"),
            incident: IncidentID(year: 2026, sequence: 2),
            event: .acknowledged
        )
        try ChannelLog(url: log).append([later])
        let loaded = try DataFolder.loadStates(layout)
        #expect(loaded.fromSnapshots.isEmpty)
        #expect(try loaded.channels[channel]?.read() == ChannelState(replaying: records() + [later]))
    }

    @Test func aHandEditedLogIsReadAgainEvenWithASnapshotBesideIt() throws {
        let (folder, layout, log) = try folderWithLog(records())
        defer { folder.remove() }
        // An old modification time, so the edit below is a different one even on a coarse clock.
        try FileManager.default.setAttributes([.modificationDate: start], ofItemAtPath: log.path)
        try ChannelSnapshot.write(ChannelState(replaying: records()), forLog: log)
        var bytes = try Data(contentsOf: log)
        bytes[0] = UInt8(ascii: "#")  // the first line is no longer JSON; the size stays the same
        let handle = try FileHandle(forWritingTo: log)
        try handle.write(contentsOf: bytes)
        try handle.close()
        let loaded = try DataFolder.loadStates(layout)
        #expect(loaded.fromSnapshots.isEmpty, "the snapshot no longer matches the log, which is replayed")
        #expect(try loaded.channels[channel]?.read() == ChannelState(replaying: records().dropFirst()), "everything but the damaged line loads")
        #expect(loaded.repairs.contains { if case .damagedLine(_, 1, _, _) = $0 { true } else { false } })
    }

    enum Damage: CaseIterable {
        case notJSON, olderFold, tornTail
    }

    @Test(arguments: Damage.allCases)
    func aDamagedOrOutdatedSnapshotIsIgnored(_ damage: Damage) throws {
        let (folder, layout, log) = try folderWithLog(records())
        defer { folder.remove() }
        try ChannelSnapshot.write(ChannelState(replaying: records()), forLog: log)
        let snapshot = ChannelSnapshot.url(forLog: log)
        let text = try String(contentsOf: snapshot, encoding: .utf8)
        let damaged =
            switch damage {
            case .notJSON: "not json at all\n"
            case .olderFold: text.replacingOccurrences(of: #""fold":\#(ChannelSnapshot.foldVersion)"#, with: #""fold":1"#)
            case .tornTail: String(text.dropLast(40))  // what a crash during an unsynced write can leave
            }
        #expect(damaged != text)
        try damaged.write(to: snapshot, atomically: true, encoding: .utf8)
        let loaded = try DataFolder.loadStates(layout)
        #expect(loaded.fromSnapshots.isEmpty)
        #expect(try loaded.channels[channel]?.read() == ChannelState(replaying: records()))
    }

    @Test func aSnapshotWhoseBodyIsDamagedFallsBackToTheLogWhenFirstRead() throws {
        let (folder, layout, log) = try folderWithLog(records())
        defer { folder.remove() }
        try ChannelSnapshot.write(ChannelState(replaying: records()), forLog: log)
        let snapshot = ChannelSnapshot.url(forLog: log)
        let lines = try String(contentsOf: snapshot, encoding: .utf8).split(separator: "\n")
        #expect(lines.count == 2, "a head line, then the state")
        // The head is intact, so start-up trusts it; the state itself no longer decodes.
        try (lines[0] + "\n" + lines[1].replacingOccurrences(of: "\"incidents\"", with: "\"incidentz\"") + "\n").write(
            to: snapshot,
            atomically: true,
            encoding: .utf8
        )
        let loaded = try DataFolder.loadStates(layout)
        #expect(loaded.fromSnapshots == [channel])
        #expect(Set(loaded.incidentIDs) == [IncidentID(year: 2026, sequence: 1), IncidentID(year: 2026, sequence: 2)])
        guard case .snapshot(let unread) = loaded.channels[channel] else {
            Issue.record("the head is valid: the channel should wait in its snapshot")
            return
        }
        let read = try unread.read(now: Date())
        #expect(!read.fromSnapshot, "the damaged body is not used")
        #expect(read.state == ChannelState(replaying: records()))
    }

    /// If this fails after a field was added to `Incident`, code the field in `Incident+Codable.swift`, set it here,
    /// and bump `ChannelSnapshot.foldVersion` if old snapshots would now load wrongly.
    @Test func everyFieldOfAnIncidentSurvivesTheSnapshot() throws {
        let id = IncidentID(year: 2026, sequence: 7)
        let plain = Incident(
            id: id,
            title: "t",
            severity: .sev3,
            impact: nil,
            systems: [],
            declaredBy: UserRef("a"),
            declaredAt: start.addingTimeInterval(-1)
        )
        var full = Incident(
            id: id,
            title: "Checkout",
            severity: .sev1,
            impact: "all cards",
            systems: ["api"],
            declaredBy: UserRef("carol"),
            declaredAt: start
        )
        let later = start.addingTimeInterval(60)
        full.status = .mitigating
        full.roles = [.ic: UserRef("alice"), .comms: UserRef("dan")]
        full.roleHolders = [.ic: [UserRef("bob"), UserRef("alice")], .comms: [UserRef("dan")]]
        full.detectedAt = start.addingTimeInterval(-300)
        full.acknowledgedAt = later
        full.acknowledgedBy = UserRef("alice")
        full.mitigatedAt = later
        full.resolvedAt = later
        full.rootCause = "config"
        full.lastUpdate = StatusUpdate(text: "u", postedAt: later, postedBy: UserRef("alice"), nextUpdateAt: later, eta: later)
        full.updateCount = 2
        full.actionItems = [
            ActionItem(number: 1, text: "x", owner: UserRef("bob"), due: CalendarDate(parsing: "2027-01-05"), createdAt: later, doneAt: later)
        ]
        full.actionItems[0].tracker = TrackerLink(key: "OPS-12", url: "https://acme.atlassian.net/browse/OPS-12")
        full.actionItems.append(
            ActionItem(number: 2, text: "y", owner: UserRef("erin"), due: nil, createdAt: later, doneAt: nil, trackerRefusal: "401")
        )
        full.snoozedUntil = later
        full.reminders = .every(interval: .minutes(10))
        full.updateClockStart = later
        full.promisedNextUpdate = later
        full.cadenceChangedAt = later
        full.firedUpdateStage = FiredStage(due: later, kind: .updateNudge)
        full.firedTimers = [.actionItemDue(number: 1): later, .acknowledgeDeadline(level: 2): later]
        full.holdingUpdateCount = 1
        full.hasPostmortemDraft = true
        full.reopenCount = 1
        full.learnings = [Learning(kind: .toImprove, text: "l", by: UserRef("bob"))]
        full.whys = ["why"]
        full.links = [IncidentLink(incident: IncidentID(year: 2026, sequence: 3), note: "same cause")]
        full.isPrivate = true
        full.detection = Detection(source: "alertmanager", key: "k", startedAt: start, detectedAt: later)
        full.alertKeys = ["k"]
        full.recoveredAlertKeys = ["k"]
        full.alertCounts = ["k": AlertCount(firing: 2, resolved: 1)]
        full.pages = [Page(level: 1, user: UserRef("alice"), rotation: "primary", at: later)]
        full.impactDetails = [.revenue: "none lost", .customers: "30%"]
        full.postmortemAuthor = UserRef("carol")
        full.runbook = "https://wiki.example/runbooks/checkout"
        full.heldPage = HeldPage(level: 1, until: later)
        full.pinnedMessages = ["1796200000.000100"]
        full.pinReactions = ["$reaction": "$message"]
        full.warRoom = WarRoomInfo(
            requestedIn: ChannelRef(platform: .slack, workspace: "T1", channel: "C0INCIDENTS"),
            name: "inc-2026-0007-checkout",
            archived: true
        )

        let defaults = Dictionary(uniqueKeysWithValues: Mirror(reflecting: plain).children.map { ($0.label!, "\($0.value)") })
        for child in Mirror(reflecting: full).children where child.label != "id" {
            #expect("\(child.value)" != defaults[child.label!], "\(child.label!) is not set in this test, so its coding is untested")
        }
        let decoded = try EventCodec.decoder().decode(Incident.self, from: EventCodec.encoder().encode(full))
        #expect(decoded == full)
        #expect(try EventCodec.decoder().decode(Incident.self, from: EventCodec.encoder().encode(plain)) == plain)

        // A snapshot written before role holders were kept knows at least the current holders, so a restart does
        // not brief them again.
        var old = try JSONSerialization.jsonObject(with: EventCodec.encoder().encode(full)) as! [String: Any]
        old["roleHolders"] = nil
        let upgraded = try EventCodec.decoder().decode(Incident.self, from: JSONSerialization.data(withJSONObject: old))
        #expect(upgraded.roleHolders == [.ic: [UserRef("alice")], .comms: [UserRef("dan")]])
    }
}

extension ChannelFold {
    /// The channel's state, decoding the snapshot if it is one.
    fileprivate func read() throws -> ChannelState {
        switch self {
        case .replayed(let state): state
        case .snapshot(let snapshot): try snapshot.read(now: Date()).state
        }
    }
}
