import Foundation
import Testing

@testable import IncidentKit

/// War rooms as rules: who asks for the channel, what the channel's first transaction declares, and what follows
/// the incident there (invites, topic, archive), on a drill without I/O.
@Suite("War rooms")
struct WarRoomTests {
    static let incidents = ChannelRef(platform: .slack, workspace: "T1", channel: "C0INCIDENTS")
    static let room = ChannelRef(platform: .slack, workspace: "T1", channel: "C0ROOM")
    static let start = Date(timeIntervalSince1970: 1_795_000_000)

    /// Two channels' states and the engine, run input by input.
    struct Rooms {
        var engine: IncidentEngine
        var states: [ChannelRef: ChannelState] = [:]
        var now = WarRoomTests.start
        var nextID = 1
        let planner = EffectPlanner(policy: EffectPolicy(directMessagePlatforms: [.slack], briefings: .off))

        init() {
            var configuration = EngineConfiguration()
            configuration.warRooms.platforms = [.slack]
            engine = IncidentEngine(configuration: configuration)
        }

        mutating func run(_ input: Input, in channel: ChannelRef, as user: String = "carol") throws -> (records: [EventRecord], effects: [String]) {
            let before = states[channel] ?? ChannelState()
            let context = CommandContext(actor: UserRef(user), now: now, newIncidentID: IncidentID(year: 2026, sequence: nextID), channel: channel)
            guard case .record(let records) = try engine.decide(input, state: before, context: context) else { return ([], []) }
            var after = before
            for record in records { after.apply(record) }
            states[channel] = after
            if !input.carriesIncidentID, records.contains(where: \.reservesIncidentID) { nextID += 1 }
            return (records, EffectPlannerTests.summary(planner.plan(records, before: before, after: after, in: channel)))
        }

        mutating func type(_ line: String, in channel: ChannelRef, as user: String = "carol") throws -> [String] {
            try run(.command(CommandParser.parse(line: line)), in: channel, as: user).effects
        }
    }

    @Test func namesFitEveryPlatformAndClashesGetSuffixes() {
        let policy = WarRoomPolicy()
        let id = IncidentID(year: 2026, sequence: 42)
        #expect(policy.name(for: id, title: "Checkout down!") == "inc-2026-0042-checkout-down")
        #expect(policy.name(for: id, title: "Zahlungen: Überweisung & Café") == "inc-2026-0042-zahlungen-uberweisung-cafe")
        #expect(policy.name(for: id, title: "🔥🔥") == "inc-2026-0042")
        let long = policy.name(for: id, title: String(repeating: "payments api ", count: 20))
        #expect(long.count <= WarRoomPolicy.maxNameLength && !long.hasSuffix("-") && long.hasPrefix("inc-2026-0042-payments-api"))
        #expect(WarRoomPolicy.suffixed(long, 2).count <= WarRoomPolicy.maxNameLength && WarRoomPolicy.suffixed(long, 2).hasSuffix("-2"))
        #expect(WarRoomPolicy.suffixed("inc-2026-0042-checkout-down", 3) == "inc-2026-0042-checkout-down-3")
    }

    @Test func aSEV1DeclaredInIncidentsRunsInItsOwnChannel() throws {
        var rooms = Rooms()
        let asked = try rooms.run(.command(CommandParser.parse(line: "/incident declare sev1 Checkout down")), in: Self.incidents)
        guard case .warRoomRequested(let request) = asked.records.first?.event else {
            Issue.record("a war room is requested: \(asked.records)")
            return
        }
        #expect(request.name == "inc-2026-0001-checkout-down" && request.declaredBy == UserRef("carol"))
        #expect(asked.effects == ["notice → C0INCIDENTS (channel)", "war room create #inc-2026-0001-checkout-down INC-2026-0001 in C0INCIDENTS"])
        #expect(rooms.states[Self.incidents]?.activeIncident == nil, "the channel where it was declared stays free")

        // The platform created the channel: the incident is declared there with its reserved id, then linked here.
        let declared = try rooms.run(.declareInWarRoom(request, requestedIn: Self.incidents, name: "inc-2026-0001-checkout-down"), in: Self.room)
        #expect(declared.records.first?.actor == UserRef("carol"), "declared by whoever asked")
        #expect(declared.effects.contains("initialAlert → C0ROOM (headline) +actions"))
        #expect(declared.effects.contains("war room invite carol INC-2026-0001 in C0ROOM"))
        #expect(declared.effects.contains("war room topic INC-2026-0001 in C0ROOM"))
        #expect(rooms.states[Self.room]?.activeIncident?.id == IncidentID(year: 2026, sequence: 1))
        let linked = try rooms.run(
            .warRoom(WarRoomAnswer(request: request, result: .opened(Self.room, name: "inc-2026-0001-checkout-down"))),
            in: Self.incidents
        )
        #expect(linked.effects == ["notice → C0INCIDENTS (channel)"], "the link")
        #expect(rooms.nextID == 2, "no second id for the war room's declaration")

        // In the war room: the IC is invited and named in the topic; resolution changes the topic; the archive waits.
        #expect(try rooms.type("/incident role ic @alice", in: Self.room).contains("war room invite alice INC-2026-0001 in C0ROOM"))
        let resolved = try rooms.type("/incident resolve", in: Self.room, as: "alice")
        #expect(resolved.contains("war room topic INC-2026-0001 in C0ROOM"))
        let planner = DeadlinePlanner(configuration: rooms.engine.configuration)
        let incident = try #require(rooms.states[Self.room]?.latestIncident)
        let archive = try #require(planner.deadlines(for: incident, now: rooms.now).first { $0.kind == .archiveWarRoom })
        #expect(archive.due == rooms.now.addingTimeInterval(7 * 86400), "seven days after resolution")
        rooms.now = archive.due
        let fired = try rooms.run(.timersDue(incident.id), in: Self.room, as: "firebell")
        #expect(fired.records.map(\.event).first == .warRoomArchived)
        #expect(
            fired.effects.first == "notice → C0ROOM (channel)" && fired.effects.last == "war room archive INC-2026-0001 in C0ROOM",
            "said, then archived"
        )
        #expect(planner.deadlines(for: rooms.states[Self.room]!.latestIncident!, now: rooms.now).allSatisfy { $0.kind != .archiveWarRoom })
    }

    @Test func aRepeatedDeclareOpensNoSecondChannelAndARefusalRunsItInPlace() throws {
        var rooms = Rooms()
        _ = try rooms.run(.command(CommandParser.parse(line: "/incident declare sev1 Checkout down")), in: Self.incidents)
        rooms.now = rooms.now.addingTimeInterval(30)
        #expect(throws: CommandError.self) {
            _ = try rooms.run(.command(CommandParser.parse(line: "/incident declare sev2 checkout DOWN")), in: Self.incidents, as: "dana")
        }
        let other = try rooms.run(.command(CommandParser.parse(line: "/incident declare sev2 Search slow")), in: Self.incidents)
        guard case .warRoomRequested(let second) = other.records.first?.event else {
            Issue.record("another title is another incident")
            return
        }
        // The platform refused for good (a missing scope): the incident runs where it was declared.
        let refused = try rooms.run(.warRoom(WarRoomAnswer(request: second, result: .refused("missing_scope"))), in: Self.incidents)
        #expect(refused.records.map(\.event).first == .warRoomRefused(reason: "missing_scope"))
        #expect(
            rooms.states[Self.incidents]?.activeIncident?.id == second.incident
                && refused.effects.contains("initialAlert → C0INCIDENTS (headline) +actions")
        )

        // A SEV3 never asks; on a platform without channel creation, neither does a SEV1.
        let sev3 = try rooms.run(.command(CommandParser.parse(line: "/incident declare sev3 Slow export")), in: Self.room)
        #expect(sev3.records.first.map { if case .declared = $0.event { true } else { false } } == true)
        let console = ChannelRef(platform: .console, workspace: "local", channel: "drill")
        let drill = try rooms.run(.command(CommandParser.parse(line: "/incident declare sev1 Drill")), in: console)
        #expect(drill.records.first.map { if case .declared = $0.event { true } else { false } } == true)
        #expect(
            rooms.engine.configuration.warRooms.hint(for: drill.records, in: console)
                == "Firebell cannot create channels on this platform, so INC-2026-0004 runs here."
        )
    }
}
