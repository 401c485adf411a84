import IncidentKit

/// Where an alert goes and how severe it is, from label matchers in the configuration.
public struct AlertRouting: Sendable, Equatable {
    /// One rule: when every label in `match` has the given value, send to `channel` and/or use `severity`.
    public struct Rule: Sendable, Equatable {
        public var match: [String: String]
        public var channel: ChannelRef?
        public var severity: Severity?

        public init(match: [String: String], channel: ChannelRef? = nil, severity: Severity? = nil) {
            self.match = match
            self.channel = channel
            self.severity = severity
        }
    }

    public var rules: [Rule] = []
    /// Where alerts go that no rule sends anywhere (`FIREBELL_ALERT_CHANNEL`).
    public var defaultChannel: ChannelRef?
    /// The `severity` label's values and the severity they suggest.
    public var severityLabels: [String: Severity] = [
        "critical": .sev1, "page": .sev1, "error": .sev2, "high": .sev2,
        "warning": .sev3, "medium": .sev3, "info": .sev4, "low": .sev4,
    ]
    /// The severity when nothing else says.
    public var defaultSeverity: Severity = .sev3

    public init() {}

    /// The channel and severity for labels: each the first rule that matches and sets it; then the
    /// `severity` label (also `sev1` … `sev4` and `p1` …); then the defaults. Nil when no channel is known.
    public func route(_ labels: [String: String]) -> (channel: ChannelRef, severity: Severity)? {
        let matching = rules.filter { rule in rule.match.allSatisfy { labels[$0.key] == $0.value } }
        let labelled = labels["severity"].flatMap { severityLabels[$0.lowercased()] ?? Severity(parsing: $0) }
        let severity = matching.lazy.compactMap(\.severity).first ?? labelled ?? defaultSeverity
        guard let channel = matching.lazy.compactMap(\.channel).first ?? defaultChannel else { return nil }
        return (channel, severity)
    }
}
