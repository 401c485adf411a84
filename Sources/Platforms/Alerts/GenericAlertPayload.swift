import Foundation
import IncidentKit

/// The generic webhook's documented shape, for monitors other than Alertmanager:
/// `{"title", "severity", "service", "summary", "dedup_key", "status": "trigger"|"resolve", "started_at", "links",
/// "runbook_url"}`.
package struct GenericAlertPayload: Decodable, Sendable, Equatable {
    package var title: String
    package var severity: String?
    package var service: String?
    package var summary: String?
    package var dedupKey: String
    package var status: String
    package var startedAt: String?
    package var links: [String]?
    package var runbookURL: String?

    enum CodingKeys: String, CodingKey {
        case title, severity, service, summary, status, links
        case dedupKey = "dedup_key"
        case runbookURL = "runbook_url"
        case startedAt = "started_at"
    }

    package static func decode(_ body: Data) throws(AlertPayloadError) -> GenericAlertPayload {
        let payload: GenericAlertPayload
        do { payload = try JSONDecoder().decode(GenericAlertPayload.self, from: body) } catch {
            throw AlertPayloadError("not a Firebell generic alert: \(AlertPayloadError.describe(error))")
        }
        guard ["trigger", "resolve"].contains(payload.status) else {
            throw AlertPayloadError("status must be trigger or resolve, not '\(payload.status)'")
        }
        let title = payload.title.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !title.isEmpty, title.count <= CommandParser.maxTitleLength else {
            throw AlertPayloadError("title must be 1 to \(CommandParser.maxTitleLength) characters")
        }
        guard !payload.dedupKey.isEmpty, payload.dedupKey.count <= 255 else { throw AlertPayloadError("dedup_key must be 1 to 255 characters") }
        if let started = payload.startedAt, RFC3339.parse(started) == nil {
            throw AlertPayloadError("started_at '\(started)' is not an RFC 3339 time")
        }
        return payload
    }

    /// The labels the routing rules match.
    package var routingLabels: [String: String] {
        var labels: [String: String] = [:]
        labels["service"] = service
        labels["severity"] = severity
        return labels
    }

    package func signal(severity: Severity) -> AlertSignal {
        AlertSignal(
            source: "generic",
            key: dedupKey,
            isFiring: status == "trigger",
            title: title.trimmingCharacters(in: .whitespacesAndNewlines),
            severity: severity,
            summary: summary.map { String($0.prefix(CommandParser.maxTextLength)) },
            service: service,
            startedAt: startedAt.flatMap(RFC3339.parse),
            labels: routingLabels,
            links: Array((links ?? []).prefix(5)),
            runbook: runbookURL,
            firingCount: status == "trigger" ? 1 : 0,
            resolvedCount: status == "resolve" ? 1 : 0
        )
    }
}
