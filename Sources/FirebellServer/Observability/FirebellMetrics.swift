import CoreMetrics
import Foundation
import Metrics
import Prometheus
import Synchronization

/// The service's metrics, exposed in Prometheus text format on `/metrics`. Uses its own registry
/// rather than a process-wide bootstrap, so several instances (tests) never collide.
package final class FirebellMetrics: Sendable {
    package let registry = PrometheusCollectorRegistry()
    private let factory: PrometheusMetricsFactory
    /// The command counters made so far, by verb and outcome (both from closed sets), and the latency timer: made
    /// once rather than per command, as making one looks it up in the registry under its lock.
    private let commandCounters = Mutex<[String: CoreMetrics.Counter]>([:])
    private let commandDuration: Metrics.Timer

    package init() {
        var factory = PrometheusMetricsFactory(registry: registry)
        factory.defaultDurationHistogramBuckets = [
            .microseconds(500), .milliseconds(1), .milliseconds(2), .milliseconds(5), .milliseconds(10),
            .milliseconds(25), .milliseconds(50), .milliseconds(100), .milliseconds(250), .milliseconds(500),
            .seconds(1), .seconds(3),
        ]
        self.factory = factory
        commandDuration = Metrics.Timer(label: "firebell_command_duration_seconds", dimensions: [], factory: factory)
    }

    /// One handled command: counted by verb and outcome, its latency in a histogram.
    func commandHandled(verb: String, outcome: String, latency: Duration) {
        let counter = commandCounters.withLock { counters in
            let key = verb + " " + outcome
            if let counter = counters[key] { return counter }
            let counter = Counter(label: "firebell_commands_total", dimensions: [("verb", verb), ("outcome", outcome)], factory: factory)
            counters[key] = counter
            return counter
        }
        counter.increment()
        commandDuration.recordInterval(latency)
    }

    /// One settled or retried delivery.
    func delivery(_ report: DeliveryReport) {
        let outcome =
            switch report {
            case .delivered: "delivered"
            case .failed: "failed"
            case .retried: "retried"
            case .rateLimited: "rate_limited"
            }
        Counter(label: "firebell_deliveries_total", dimensions: [("outcome", outcome)], factory: factory).increment()
    }

    /// The HTTP server closed a connection (slow, idle, or over the connection limit).
    func connectionClosed(_ reason: String) {
        Counter(label: "firebell_http_connections_closed_total", dimensions: [("reason", reason)], factory: factory).increment()
    }

    func remindersFired(_ count: Int) {
        guard count > 0 else { return }
        Counter(label: "firebell_reminders_fired_total", dimensions: [], factory: factory).increment(by: count)
    }

    func outboxDepth(_ depth: Int) {
        Gauge(label: "firebell_outbox_depth", dimensions: [], factory: factory).record(depth)
    }

    /// Whether this replica leads (runs the timers): 1 or 0. A single process on the data folder always leads.
    func leader(_ leads: Bool) {
        Gauge(label: "firebell_leader", dimensions: [], factory: factory).record(leads ? 1 : 0)
    }

    /// Lines of the channel logs found damaged at start-up (each skipped and kept in a side file).
    func damagedLogLines(_ count: Int) {
        Gauge(label: "firebell_damaged_log_lines", dimensions: [], factory: factory).record(count)
    }

    /// Lines of the delivery ledgers found damaged at start-up (their effects are delivered again, at most once more).
    func damagedLedgerLines(_ count: Int) {
        Gauge(label: "firebell_damaged_ledger_lines", dimensions: [], factory: factory).record(count)
    }

    /// The Prometheus text exposition.
    package func exposition() -> String { registry.emitToString() }
}

extension Metrics.Timer {
    func recordInterval(_ duration: Duration) {
        let (seconds, attoseconds) = duration.components
        recordNanoseconds(seconds * 1_000_000_000 + attoseconds / 1_000_000_000)
    }
}
