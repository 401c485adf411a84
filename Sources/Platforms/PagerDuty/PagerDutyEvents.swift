import AsyncHTTPClient
import Foundation
import IncidentKit
import NIOCore

/// A PagerDuty Events API v2 event as Firebell sends it, without the routing key (a secret never goes to disk or to
/// a log; it is added at delivery). `dedup_key` is the incident id, so trigger, acknowledge and resolve apply to one
/// PagerDuty alert and a repeated event is absorbed by PagerDuty's own deduplication.
package struct PagerDutyEvent: Codable, Sendable, Equatable {
    package struct Payload: Codable, Sendable, Equatable {
        package var summary: String
        package var source: String
        package var severity: String
        package var customDetails: [String: String]

        enum CodingKeys: String, CodingKey {
            case summary, source, severity
            case customDetails = "custom_details"
        }
    }

    package var eventAction: PagerDutyAction
    package var dedupKey: String
    package var payload: Payload?
    package var client: String?

    enum CodingKeys: String, CodingKey {
        case eventAction = "event_action"
        case dedupKey = "dedup_key"
        case payload, client
    }

    package init(eventAction: PagerDutyAction, dedupKey: String) {
        self.eventAction = eventAction
        self.dedupKey = dedupKey
    }

    /// The event for `action` on `incident` (a trigger carries the summary, severity and details).
    package init(_ action: PagerDutyAction, incident: Incident) {
        eventAction = action
        dedupKey = incident.id.description
        guard action == .trigger else { return }
        payload = Payload(
            summary: String("\(incident.id) \(incident.severity): \(incident.title)".prefix(1024)),
            source: "firebell",
            severity: ["critical", "error", "warning", "info"][incident.severity.rawValue - 1],
            customDetails: ["status": incident.status.title, "impact": incident.impact ?? "not yet assessed"]
        )
        client = "Firebell"
    }
}

/// PagerDuty Events API v2 (`POST /v2/enqueue`), so phones ring through PagerDuty.
package struct PagerDutyEvents: ChatDelivery {
    private let url: String
    private let routingKey: String
    private let client: HTTPClient
    private let timeout: TimeAmount

    package init(url: String, routingKey: String, client: HTTPClient, timeout: TimeAmount = .seconds(10)) {
        self.url = url
        self.routingKey = routingKey
        self.client = client
        self.timeout = timeout
    }

    /// The request body: the event with the routing key.
    struct Request: Encodable {
        let routingKey: String
        let event: PagerDutyEvent

        enum CodingKeys: String, CodingKey { case routingKey = "routing_key" }

        func encode(to encoder: any Encoder) throws {
            try event.encode(to: encoder)
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(routingKey, forKey: .routingKey)
        }
    }

    package func deliver(_ message: OutboundMessage) async -> DeliveryResult {
        guard case .pagerDuty(let event) = message.kind else { return .permanent("not a PagerDuty event") }
        var request = HTTPClientRequest(url: url)
        request.method = .POST
        request.headers.add(name: "Content-Type", value: "application/json")
        do {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys]
            request.body = .bytes(ByteBuffer(bytes: try encoder.encode(Request(routingKey: routingKey, event: event))))
            let response = try await client.execute(request, timeout: timeout)
            let answer = try await response.body.collect(upTo: 64 * 1024)
            switch response.status.code {
            case 200..<300: return .delivered(reference: nil)
            case 429: return .retryAfter(Double(response.headers.first(name: "Retry-After") ?? "") ?? 30)
            case 500...: return .transient("PagerDuty answered \(response.status.code)")
            default: return .permanent("PagerDuty refused the event (\(response.status.code)): \(String(buffer: answer).prefix(200))")
            }
        } catch {
            return .transient("\(error)")
        }
    }
}
