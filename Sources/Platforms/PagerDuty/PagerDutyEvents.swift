import AsyncHTTPClient
import Foundation
import IncidentKit
import NIOCore

/// PagerDuty Events API v2 (`POST /v2/enqueue`): trigger, acknowledge and resolve with `dedup_key` = the incident
/// id, so phones ring through PagerDuty. The outbox holds each event without the routing key (a secret never goes
/// to disk); it is added at delivery.
public struct PagerDutyEvents: ChatDelivery {
    /// The outbox "channel" PagerDuty events are queued in, one ordered queue for all incidents.
    public static let queue = ChannelRef(platform: "pagerduty", workspace: "events", channel: "enqueue")

    private let url: String
    private let routingKey: String
    private let client: HTTPClient
    private let timeout: TimeAmount

    public init(url: String, routingKey: String, client: HTTPClient, timeout: TimeAmount = .seconds(10)) {
        self.url = url
        self.routingKey = routingKey
        self.client = client
        self.timeout = timeout
    }

    /// The queued form of an event: the request body without `routing_key`.
    public static func event(_ action: String, incident: Incident) -> String {
        var body: [String: Any] = ["event_action": action, "dedup_key": incident.id.description]
        if action == "trigger" {
            let severity = ["critical", "error", "warning", "info"][incident.severity.rawValue - 1]
            body["payload"] = ["summary": String("\(incident.id) \(incident.severity): \(incident.title)".prefix(1024)), "source": "firebell",
                               "severity": severity, "custom_details": ["status": incident.status.title, "impact": incident.impact ?? "not yet assessed"]]
            body["client"] = "Firebell"
        }
        let data = (try? JSONSerialization.data(withJSONObject: body, options: [.sortedKeys])) ?? Data()
        return String(decoding: data, as: UTF8.self)
    }

    public func deliver(_ message: OutboxMessage) async -> DeliveryResult {
        guard var body = (try? JSONSerialization.jsonObject(with: Data(message.text.utf8))) as? [String: Any] else {
            return .permanent("not a PagerDuty event")
        }
        body["routing_key"] = routingKey
        var request = HTTPClientRequest(url: url)
        request.method = .POST
        request.headers.add(name: "Content-Type", value: "application/json")
        request.body = .bytes(ByteBuffer(bytes: (try? JSONSerialization.data(withJSONObject: body, options: [.sortedKeys])) ?? Data()))
        do {
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
