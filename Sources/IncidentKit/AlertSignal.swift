import Foundation

/// A monitoring notification about one alert group, decoded and routed by the shell, for the engine to act on.
package struct AlertSignal: Sendable, Equatable {
    /// Where it came from: `alertmanager`, or the generic webhook's `generic`.
    package var source: String
    /// What correlates repeated notifications: Alertmanager's `groupKey`, the generic webhook's `dedup_key`.
    package var key: String
    /// Whether anything in the group is still firing.
    package var isFiring: Bool
    package var title: String
    /// The severity the rules suggest; responders can change it.
    package var severity: Severity
    package var summary: String?
    package var service: String?
    /// When the earliest alert of the group started failing, if the monitor says.
    package var startedAt: Date?
    package var labels: [String: String]
    package var links: [String]
    /// The runbook the alert names (Prometheus's `runbook_url` annotation): only a plain http(s) address is kept.
    package var runbook: String? {
        didSet { runbook = runbook.flatMap(Runbooks.validURL) }
    }
    package var firingCount: Int
    package var resolvedCount: Int

    package init(
        source: String,
        key: String,
        isFiring: Bool,
        title: String,
        severity: Severity,
        summary: String? = nil,
        service: String? = nil,
        startedAt: Date? = nil,
        labels: [String: String] = [:],
        links: [String] = [],
        runbook: String? = nil,
        firingCount: Int = 1,
        resolvedCount: Int = 0
    ) {
        self.source = source
        self.key = key
        self.isFiring = isFiring
        self.title = title
        self.severity = severity
        self.summary = summary
        self.service = service
        // The log keeps whole seconds; so does the signal, so that state after a restart equals state before it.
        self.startedAt = startedAt.map { Date(timeIntervalSince1970: $0.timeIntervalSince1970.rounded(.down)) }
        self.labels = labels
        self.links = links
        self.runbook = runbook.flatMap(Runbooks.validURL)  // (observers do not run in an initializer)
        self.firingCount = firingCount
        self.resolvedCount = resolvedCount
    }
}

/// What the engine does when monitoring reports recovery.
package struct AlertPolicy: Sendable, Equatable {
    /// Resolve the incident when every alert of the group that opened it has resolved.
    package var autoResolve = false

    package init() {}
}
