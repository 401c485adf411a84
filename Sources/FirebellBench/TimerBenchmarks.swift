import FirebellServer
import Foundation
import IncidentKit
import IncidentStore
import Logging
import Platforms
import Synchronization

/// Scheduler figures: many open incidents with armed timers, and a burst of simultaneous deadlines.
struct TimerBenchmarks {
    let incidents: Int
    let burst: Int
    let directory: URL
    let report: (String, String, String) -> Void

    func run() async throws {
        let folder = directory.appendingPathComponent("timers")
        try? FileManager.default.removeItem(at: folder)
        let layout = DataLayout(root: folder)
        let now = Date()
        // The first `burst` incidents owe their update 3 s from now; the rest in 30 min.
        let codec = EventCodec()
        var states: [ChannelState] = []
        states.reserveCapacity(incidents)
        for index in 0..<incidents {
            let declaredAt = index < burst ? now.addingTimeInterval(-30 * 60 + 3) : now
            let record = EventRecord(
                sequence: 1,
                at: declaredAt,
                actor: UserRef("carol"),
                incident: IncidentID(year: 2026, sequence: index + 1),
                event: .declared(title: "Checkout returns 500s", severity: .sev2, impact: nil, systems: [])
            )
            let assign = EventRecord(
                sequence: 2,
                at: declaredAt,
                actor: UserRef("carol"),
                incident: IncidentID(year: 2026, sequence: index + 1),
                event: .roleAssigned(role: .ic, user: UserRef("alice"), previous: nil)
            )
            let url = layout.logFile(for: ChannelRef(platform: .console, workspace: "bench", channel: "c\(index)"))
            if index == 0 { try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true) }
            try (codec.line(for: record) + codec.line(for: assign)).write(to: url)
            states.append(ChannelState(replaying: [record, assign]))
        }

        let planner = DeadlinePlanner()
        var armed = 0
        let recompute = Stopwatch.seconds {
            for state in states where planner.earliest(in: state, now: now) != nil { armed += 1 }
        }
        report("timers: recompute all", String(format: "%.0f ms", recompute * 1000), "(\(armed) incidents, planner only)")

        // The same incidents at SEV3, whose deadlines are held by business hours (a Berlin rotation's working hours):
        // every deadline goes through the calendar of the zone.
        var held = EngineConfiguration()
        held.oncall.rotations = [
            Rotation(
                name: "bench",
                timeZone: TimeZone(identifier: "Europe/Berlin")!,
                start: CalendarDate(parsing: "2026-11-16")!,
                levels: [[UserRef("alice")]]
            )
        ]
        let sev3 = states.map { state -> ChannelState in
            var raised = state
            if let id = state.activeID {
                raised.apply(
                    EventRecord(
                        sequence: state.lastSequence + 1,
                        at: now,
                        actor: UserRef("carol"),
                        incident: id,
                        event: .severityChanged(from: .sev2, to: .sev3, reason: "bench")
                    )
                )
            }
            return raised
        }
        let businessHours = DeadlinePlanner(configuration: held)
        var heldArmed = 0
        let recomputeHeld = Stopwatch.seconds {
            for state in sev3 where businessHours.earliest(in: state, now: now) != nil { heldArmed += 1 }
        }
        report(
            "timers: recompute all, SEV3 in business hours",
            String(format: "%.0f ms", recomputeHeld * 1000),
            "(\(heldArmed) incidents, planner only; \(String(format: "%.1f", recomputeHeld / max(recompute, 1e-9)))× the SEV2 figure)"
        )

        let index = DeadlineIndex()
        let before = Stopwatch.currentResidentBytes()
        for (position, state) in states.enumerated() {
            index.set(ChannelRef(platform: .console, workspace: "bench", channel: "c\(position)"), to: planner.earliest(in: state, now: now))
        }
        let indexBytes = Stopwatch.currentResidentBytes() - before
        report("timers: index memory", "\(indexBytes / max(1, index.armedChannels)) bytes/timer", "(\(index.armedChannels) armed channels)")
        states = []

        let logger = quietLogger(level: .error)
        let beforeService = Stopwatch.currentResidentBytes()
        var service: IncidentService?
        // Lateness counts from the deadline, or from the moment the loop could start when set-up ran past it.
        let due = Mutex(now.addingTimeInterval(3))
        let (latenesses, sink) = AsyncStream<Double>.makeStream()
        let posts = PostClock { sink.yield(Date().timeIntervalSince(due.withLock { $0 }) * 1000) }
        let startup = try Stopwatch.seconds {
            service = try IncidentService(configuration: FirebellConfiguration(dataDirectory: folder), logger: logger, sink: posts)
        }
        let perIncident = (Stopwatch.currentResidentBytes() - beforeService) / incidents
        report("timers: start-up", String(format: "%.2f s", startup), "(load \(incidents) logs + derive every deadline)")
        report("timers: memory per open incident", "\(perIncident) bytes", "(state, runtime and armed timers)")

        due.withLock { $0 = max($0, Date()) }
        let loop = Task { [service] in await TimerLoop(service: service!).run() }
        var samples: [Double] = []
        for await lateness in latenesses {
            samples.append(lateness)
            if samples.count == burst { break }
        }
        // The remaining timers are 30 min away: the loop should sleep, not poll.
        let cpuBefore = Stopwatch.cpuSeconds()
        try await Task.sleep(for: .seconds(5))
        let idleCPU = Stopwatch.cpuSeconds() - cpuBefore
        loop.cancel()
        report(
            "timers: idle CPU",
            String(format: "%.2f%% of one core", idleCPU / 5 * 100),
            "(5 s with \(service!.armedChannelCount) timers armed, the loop asleep)"
        )
        report(
            "timers: burst lateness p50",
            String(format: "%.0f ms", Stopwatch.percentile(samples, 50)),
            "(\(burst) deadlines at the same instant; each fsynced before it is posted)"
        )
        report("timers: burst lateness p99", String(format: "%.0f ms", Stopwatch.percentile(samples, 99)), "")
        try? FileManager.default.removeItem(at: folder)
    }
}

/// Notes the moment each reminder post reaches delivery.
struct PostClock: EffectSink {
    let posted: @Sendable () -> Void

    func accept(_ messages: [OutboundMessage], transactionEnd: Int, from channel: ChannelRef) {
        for message in messages where message.placement != nil { posted() }
    }

    func reply(_ message: OutboundMessage) {}
}
