/// Where the runbook of an incident is: the one its alert named, else the one configured for a service or system it
/// touches (`runbooks:` in the configuration, service → address).
package struct Runbooks: Sendable, Equatable {
    package var byService: [String: String]

    package init(_ byService: [String: String] = [:]) { self.byService = byService }

    /// The runbook to show for `incident`, if any.
    package func runbook(for incident: Incident) -> String? {
        incident.runbook ?? incident.systems.lazy.compactMap { byService[$0] }.first
    }

    /// `text` when it is an http(s) address without spaces or control characters, at most 2,000 bytes: an alert's
    /// annotation is the monitor's text, and only a plain link goes into posts.
    package static func validURL(_ text: String) -> String? {
        let trimmed = text.trimmingWhitespace()
        guard trimmed.utf8.count <= 2000, trimmed.hasPrefix("https://") || trimmed.hasPrefix("http://"),
            trimmed.utf8.count > 8, !trimmed.unicodeScalars.contains(where: { $0.value <= 0x20 || $0.value == 0x7F || $0 == "<" || $0 == ">" })
        else { return nil }
        return trimmed
    }
}
