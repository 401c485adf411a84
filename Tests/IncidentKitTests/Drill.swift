import Foundation

@testable import IncidentKit

/// Runs command lines through parser and engine on a fixed clock, folding accepted events into state.
struct Drill {
    var state = ChannelState()
    var now = Date(timeIntervalSince1970: 1_795_000_000)  // 2026-11-18 11:06:40 UTC
    var nextSequence = 1
    var engine = IncidentEngine()

    @discardableResult
    mutating func run(_ line: String, as user: String = "carol") throws -> Decision {
        let command = try CommandParser.parse(line: line)
        let context = CommandContext(actor: UserRef(user), now: now, newIncidentID: IncidentID(year: 2026, sequence: nextSequence))
        let decision = try engine.decide(command, state: state, context: context)
        var recorded: [EventRecord] = []
        switch decision {
        case .record(let records), .recordThenShow(let records, _): recorded = records
        case .view: break
        }
        if case let records = recorded, !records.isEmpty {
            for record in records { state.apply(record) }
            if records.contains(where: { if case .declared = $0.event { true } else { false } }) { nextSequence += 1 }
        }
        return decision
    }

    /// Runs a line that must be refused; returns the refusal and checks that nothing changed.
    mutating func refusal(_ line: String, as user: String = "carol") -> CommandError? {
        let before = state
        do {
            try run(line, as: user)
            return nil
        } catch {
            return state == before ? error as? CommandError : CommandError("state changed on refusal")
        }
    }

    mutating func advance(minutes: Int) { now = now.addingTimeInterval(TimeInterval(minutes * 60)) }

    var incident: Incident { (state.activeIncident ?? state.latestIncident)! }

    func events(of decision: Decision) -> [IncidentEvent] {
        var recorded: [EventRecord] = []
        switch decision {
        case .record(let records), .recordThenShow(let records, _): recorded = records
        case .view: break
        }
        if case let records = recorded, !records.isEmpty { return records.map(\.event) }
        return []
    }
}
