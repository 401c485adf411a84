import Foundation
import IncidentKit

/// A Prometheus Alertmanager webhook notification (payload version 4). Fields that older Alertmanagers
/// omit are optional; each notification carries the whole current group, firing and resolved alerts together.
package struct AlertmanagerPayload: Decodable, Sendable, Equatable {
    package var version: String
    package var groupKey: String?
    package var truncatedAlerts: Int?
    package var status: String
    package var receiver: String
    package var groupLabels: [String: String]?
    package var commonLabels: [String: String]?
    package var commonAnnotations: [String: String]?
    package var externalURL: String?
    package var alerts: [Alert]

    package struct Alert: Decodable, Sendable, Equatable {
        package var status: String
        package var labels: [String: String]
        package var annotations: [String: String]?
        package var startsAt: String?
        package var endsAt: String?
        package var generatorURL: String?
        package var fingerprint: String?
    }

    /// Decodes and checks a body; the error says what is wrong, for a 400 answer.
    package static func decode(_ body: Data) throws(AlertPayloadError) -> AlertmanagerPayload {
        let payload: AlertmanagerPayload
        do { payload = try JSONDecoder().decode(AlertmanagerPayload.self, from: body) } catch {
            throw AlertPayloadError("not an Alertmanager webhook payload: \(AlertPayloadError.describe(error))")
        }
        guard payload.version == "4" else { throw AlertPayloadError("unsupported payload version '\(payload.version)'; Firebell reads version 4") }
        guard ["firing", "resolved"].contains(payload.status) else {
            throw AlertPayloadError("status must be firing or resolved, not '\(payload.status)'")
        }
        guard !payload.alerts.isEmpty else { throw AlertPayloadError("the notification has no alerts") }
        for alert in payload.alerts where !["firing", "resolved"].contains(alert.status) {
            throw AlertPayloadError("an alert's status must be firing or resolved, not '\(alert.status)'")
        }
        return payload
    }

    /// The labels the routing rules match: the group's common labels, else the first alert's.
    package var routingLabels: [String: String] {
        let common = (groupLabels ?? [:]).merging(commonLabels ?? [:]) { $1 }
        return common.isEmpty ? alerts[0].labels : common
    }

    /// The correlation key: `groupKey`, or (from Alertmanagers too old to send it) the receiver and group labels.
    package var correlationKey: String {
        if let groupKey, !groupKey.isEmpty { return groupKey }
        let labels = (groupLabels ?? [:]).sorted { $0.key < $1.key }.map { "\($0.key)=\"\($0.value)\"" }.joined(separator: ",")
        return "\(receiver):{\(labels)}"
    }

    /// The engine's view of this notification, with the severity the routing chose.
    package func signal(severity: Severity) -> AlertSignal {
        let labels = routingLabels
        let firing = alerts.filter { $0.status == "firing" }
        let name = labels["alertname"] ?? alerts[0].labels["alertname"] ?? "Alert"
        let summary = commonAnnotations?["summary"] ?? (alerts.count == 1 ? alerts[0].annotations?["summary"] : nil)
        var title = summary.map { "\(name): \($0)" } ?? name
        if alerts.count > 1 { title += " (\(alerts.count) alerts)" }
        let starts = alerts.compactMap { $0.startsAt.flatMap(RFC3339.parse) }
        var links = Array(Set(alerts.compactMap(\.generatorURL).filter { !$0.isEmpty })).sorted().prefix(5).map { $0 }
        if let externalURL, !externalURL.isEmpty { links.append(externalURL) }
        return AlertSignal(
            source: "alertmanager",
            key: correlationKey,
            isFiring: status == "firing",
            title: String(title.prefix(CommandParser.maxTitleLength)),
            severity: severity,
            summary: commonAnnotations?["description"].map { String($0.prefix(CommandParser.maxTextLength)) },
            service: labels["service"] ?? labels["job"],
            startedAt: starts.min(),
            labels: labels,
            links: links,
            // Prometheus's convention: the alerting rule's `runbook_url` annotation.
            runbook: commonAnnotations?["runbook_url"] ?? alerts.lazy.compactMap { $0.annotations?["runbook_url"] }.first,
            firingCount: firing.count + (truncatedAlerts ?? 0),
            resolvedCount: alerts.count - firing.count
        )
    }
}

/// A webhook body that cannot be used, with the reason for the 400 answer.
package struct AlertPayloadError: Error, Equatable, Sendable, CustomStringConvertible {
    package let description: String

    package init(_ description: String) { self.description = description }

    static func describe(_ error: any Error) -> String {
        switch error {
        case DecodingError.keyNotFound(let key, let context):
            return "missing field '\((context.codingPath + [key]).map(\.stringValue).joined(separator: "."))'"
        case DecodingError.typeMismatch(_, let context), DecodingError.valueNotFound(_, let context):
            return "wrong type at '\(context.codingPath.map(\.stringValue).joined(separator: "."))'"
        case DecodingError.dataCorrupted(let context):
            return context.codingPath.isEmpty
                ? "not valid JSON" : "invalid value at '\(context.codingPath.map(\.stringValue).joined(separator: "."))'"
        default:
            return "not valid JSON"
        }
    }
}

/// RFC 3339 timestamps as monitors write them (fractional seconds and offsets allowed).
enum RFC3339 {
    static func parse(_ text: String) -> Date? {
        // Alertmanager's zero time marks "not ended yet".
        guard !text.hasPrefix("0001-") else { return nil }
        return ISOTimestamp.parseRFC3339(text)
    }
}
