import IncidentKit

/// Where an alert goes and how severe it is, from label matchers in the configuration.
package struct AlertRouting: Sendable, Equatable {
    /// One rule: when every label in `match` has the given value, send to `channel` and/or use `severity`.
    package struct Rule: Sendable, Equatable {
        package var match: [String: String]
        package var channel: ChannelRef?
        package var severity: Severity?

        package init(match: [String: String], channel: ChannelRef? = nil, severity: Severity? = nil) {
            self.match = match
            self.channel = channel
            self.severity = severity
        }
    }

    package var rules: [Rule] = []
    /// Where alerts go that no rule sends anywhere (`FIREBELL_ALERT_CHANNEL`).
    package var defaultChannel: ChannelRef?
    /// The `severity` label's values and the severity they suggest.
    package var severityLabels: [String: Severity] = [
        "critical": .sev1, "page": .sev1, "error": .sev2, "high": .sev2,
        "warning": .sev3, "medium": .sev3, "info": .sev4, "low": .sev4,
    ]
    /// The severity when nothing else says.
    package var defaultSeverity: Severity = .sev3

    package init() {}

    /// The channel and severity for labels: each the first rule that matches and sets it; then the
    /// `severity` label (also `sev1` … `sev4` and `p1` …); then the defaults. Nil when no channel is known.
    package func route(_ labels: [String: String]) -> (channel: ChannelRef, severity: Severity)? {
        let matching = rules.filter { rule in rule.match.allSatisfy { labels[$0.key] == $0.value } }
        let labelled = labels["severity"].flatMap { severityLabels[$0.lowercased()] ?? Severity(parsing: $0) }
        let severity = matching.lazy.compactMap(\.severity).first ?? labelled ?? defaultSeverity
        guard let channel = matching.lazy.compactMap(\.channel).first ?? defaultChannel else { return nil }
        return (channel, severity)
    }
}
