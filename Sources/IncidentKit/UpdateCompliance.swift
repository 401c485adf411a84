import Foundation

/// How an incident's Status Updates kept to their schedule, replayed from its events: each update the rules
/// expected against the one actually posted, with gaps, snoozes and the holding posts the bot made.
package struct UpdateCompliance: Sendable, Equatable {
    /// One expected update and what happened to it.
    package struct Entry: Sendable, Equatable {
        package enum Outcome: Sendable, Equatable {
            /// Posted by a responder at or before the expected time.
            case onTime
            /// Posted by a responder after the expected time.
            case late(by: TimeSpan)
            /// Nobody posted; the bot posted a holding update instead.
            case holding(late: TimeSpan)
            /// Still outstanding when the incident was resolved.
            case missed
        }

        package var expected: Date
        package var actual: Date?
        package var outcome: Outcome
    }

    /// A snooze of the reminders: when, by whom, until when.
    package struct Snooze: Sendable, Equatable {
        package var at: Date
        package var by: UserRef
        package var until: Date
    }

    package private(set) var entries: [Entry] = []
    package private(set) var snoozes: [Snooze] = []

    /// The longest time stakeholders went without a Status Update while the incident was active.
    package private(set) var longestGap: TimeSpan?

    /// Replays the events of incident `id` with the severity policy and reminder settings in force.
    package init(records: [EventRecord], incident id: IncidentID, configuration: EngineConfiguration) {
        let planner = DeadlinePlanner(configuration: configuration)
        var state = ChannelState()
        var lastPost: Date?
        for record in records where record.incident == id {
            let expected = state.incidents[id].flatMap { planner.nextUpdateDue(for: $0) }
            switch record.event {
            case .declared:
                lastPost = record.at
            case .updatePosted:
                if let expected {
                    let late = TimeSpan.between(expected, record.at)
                    entries.append(Entry(expected: expected, actual: record.at, outcome: record.at <= expected ? .onTime : .late(by: late)))
                }
                noteGap(from: lastPost, to: record.at)
                lastPost = record.at
            case .holdingUpdatePosted(let due, _):
                let missed = expected ?? due
                entries.append(Entry(expected: missed, actual: record.at, outcome: .holding(late: TimeSpan.between(missed, record.at))))
                noteGap(from: lastPost, to: record.at)
                lastPost = record.at
            case .resolved:
                if let expected, expected < record.at { entries.append(Entry(expected: expected, actual: nil, outcome: .missed)) }
                noteGap(from: lastPost, to: record.at)
                lastPost = nil
            case .reopened:
                lastPost = record.at
            case .snoozed(let until):
                snoozes.append(Snooze(at: record.at, by: record.actor, until: until))
            default:
                break
            }
            state.apply(record)
        }
    }

    /// Expected updates posted on time by a responder.
    package var onTimeCount: Int { entries.filter { $0.outcome == .onTime }.count }

    /// Holding updates the bot posted because the IC stayed silent.
    package var holdingCount: Int { entries.filter { if case .holding = $0.outcome { true } else { false } }.count }

    private mutating func noteGap(from start: Date?, to end: Date) {
        guard let start else { return }
        let gap = TimeSpan.between(start, end)
        if gap > (longestGap ?? TimeSpan(seconds: -1)) { longestGap = gap }
    }
}
