import Foundation
import IncidentKit
import IncidentStore

/// The measurements; each prints one line per figure.
struct Benchmarks {
    let scale: Int
    let directory: URL
    let start = Date(timeIntervalSince1970: 1_795_000_000)

    /// A realistic mix of commands, cycling through whole incidents.
    static let script = [
        "/incident declare sev2 Checkout returns 500s impact: 30% of card payments fail",
        "/incident role ic @alice", "/incident ack", "/incident status mitigating",
        "/incident update Rolled back release 2026.11.3, error rate falling next: 30m eta: 45m",
        "/incident note Error rate back under 1%", "/incident sev 1 spreading",
        "/incident action add Add integration test for the payment flow @bob due: 2027-12-15",
        "/incident mitigated Rollback complete",
        "@alice: /incident resolve root cause: release 2026.11.3 shipped an untested config change",
    ]

    func engineThroughput() throws {
        let engine = IncidentEngine()
        let commands = try Self.script.map { line -> (UserRef, Command) in
            line.hasPrefix("@alice: ")
                ? (UserRef("alice"), try CommandParser.parse(line: String(line.dropFirst(8))))
                : (UserRef("carol"), try CommandParser.parse(line: line))
        }
        let total = scale * 20
        var state = ChannelState()
        var sequence = 0
        let elapsed = try Stopwatch.seconds {
            for index in 0..<total {
                let (actor, command) = commands[index % commands.count]
                if index % commands.count == 0 { sequence += 1 }
                let context = CommandContext(
                    actor: actor,
                    now: start.addingTimeInterval(Double(index)),
                    newIncidentID: IncidentID(year: 2026, sequence: sequence)
                )
                if case .record(let records) = try engine.decide(command, state: state, context: context) {
                    for record in records { state.apply(record) }
                }
            }
        }
        let parseElapsed = try Stopwatch.seconds {
            for index in 0..<total {
                _ = try CommandParser.parse(line: Self.script[index % Self.script.count].replacingOccurrences(of: "@alice: ", with: ""))
            }
        }
        report("engine: decide + apply", "\(Int(Double(total) / elapsed)) commands/s", "(\(total) commands, parsing excluded)")
        report("parser", "\(Int(Double(total) / parseElapsed)) lines/s", "")
    }

    func appendLatency() throws {
        let url = directory.appendingPathComponent("append-bench.jsonl")
        try? FileManager.default.removeItem(at: url)
        let log = try ChannelLog(url: url)
        let count = max(200, scale)
        var samples: [Double] = []
        for sequence in 1...count {
            let record = EventRecord(
                sequence: sequence,
                at: start,
                actor: UserRef("alice"),
                incident: IncidentID(year: 2026, sequence: 1),
                event: .notePosted(text: "Error rate back under 1% on all shards, watching the queue depth")
            )
            samples.append(try Stopwatch.seconds { try log.append([record]) } * 1000)
        }
        report("append + fsync, p50", String(format: "%.3f ms", Stopwatch.percentile(samples, 50)), "(\(count) single-event appends)")
        report("append + fsync, p99", String(format: "%.3f ms", Stopwatch.percentile(samples, 99)), "")
        try? FileManager.default.removeItem(at: url)
    }

    /// The ten events of a typical incident, from declaration to resolution.
    static func incidentEvents(at start: Date) -> [IncidentEvent] {
        [
            .declared(title: "Checkout returns 500s", severity: .sev2, impact: "30% of card payments fail", systems: ["checkout"]),
            .roleAssigned(role: .ic, user: UserRef("alice"), previous: nil), .acknowledged,
            .statusChanged(from: .investigating, to: .mitigating),
            .updatePosted(text: "Rolled back, error rate falling", nextUpdateAt: start, eta: start),
            .notePosted(text: "Error rate back under 1%"), .severityChanged(from: .sev2, to: .sev1, reason: "spreading"),
            .actionAdded(number: 1, text: "Add integration test", owner: UserRef("bob"), due: CalendarDate(parsing: "2027-01-05")),
            .mitigated(text: "Rollback complete"), .resolved(rootCause: "untested config change"),
        ]
    }

    func replaySpeed() throws {
        let url = directory.appendingPathComponent("replay-bench.jsonl")
        try? FileManager.default.removeItem(at: url)
        let count = scale * 100
        var drill = ChannelState()
        var lines = Data()
        let codec = EventCodec()
        var sequence = 0
        for incident in 1...(count / 10) {
            let id = IncidentID(year: 2026, sequence: incident)
            let events = Self.incidentEvents(at: start)
            for event in events {
                sequence += 1
                let record = EventRecord(
                    sequence: sequence,
                    at: start.addingTimeInterval(Double(sequence)),
                    actor: UserRef("carol"),
                    incident: id,
                    event: event
                )
                lines.append(try codec.line(for: record))
                drill.apply(record)
            }
        }
        try lines.write(to: url)
        var loaded: LoadedLog?
        let readElapsed = try Stopwatch.seconds { loaded = try LogReader.recover(url) }
        var state = ChannelState()
        let foldElapsed = Stopwatch.seconds { state = ChannelState(replaying: loaded!.records) }
        precondition(state == drill, "replay must reproduce the state")
        report("replay: read + decode", "\(Int(Double(sequence) / readElapsed)) events/s", "(\(sequence) events, \(lines.count / 1024) KiB)")
        report("replay: fold into state", "\(Int(Double(sequence) / foldElapsed)) events/s", "")
        try? FileManager.default.removeItem(at: url)
    }

    func report(_ name: String, _ value: String, _ note: String) {
        print(
            name.padding(toLength: max(34, name.count + 1), withPad: " ", startingAt: 0)
                + value.padding(toLength: max(22, value.count + 1), withPad: " ", startingAt: 0)
                + note
        )
    }
}
