import Foundation
import HTTPTypes
import Hummingbird
import IncidentKit
import Logging
import NIOCore
import Platforms

/// `POST /hooks/alertmanager` and `POST /hooks/generic`: credentials are checked before the body is parsed;
/// a bad payload gets 400 with the reason; a payload only ever touches the one channel it is routed to.
struct AlertRoutes: Sendable {
    let service: IncidentService
    let routing: AlertRouting
    let alertmanager: WebhookAuthenticator?
    let generic: WebhookAuthenticator?
    let logger: Logger

    /// Alertmanager groups can hold hundreds of alerts; far larger bodies are refused before they are read.
    static let maxBodyBytes = 1024 * 1024

    func register(on router: Router<FirebellRequestContext>) {
        if let alertmanager {
            router.post("/hooks/alertmanager") { request, _ in
                let body = try await authenticatedJSON(request, with: alertmanager)
                let payload = try decoded { () throws(AlertPayloadError) in try AlertmanagerPayload.decode(body) }
                return try await ingest(labels: payload.routingLabels) { payload.signal(severity: $0) }
            }
        }
        if let generic {
            router.post("/hooks/generic") { request, _ in
                let body = try await authenticatedJSON(request, with: generic)
                let payload = try decoded { () throws(AlertPayloadError) in try GenericAlertPayload.decode(body) }
                return try await ingest(labels: payload.routingLabels) { payload.signal(severity: $0) }
            }
        }
    }

    /// Routes the signal and runs it as its channel's transaction. A failure to save answers 500, which
    /// Alertmanager retries; what is saved is posted, since its posts follow from the log.
    private func ingest(labels: [String: String], signal: (Severity) -> AlertSignal) async throws -> Response {
        guard let (channel, severity) = routing.route(labels) else {
            logger.error("an alert matched no route and no default channel is set (alerts.default_channel or FIREBELL_ALERT_CHANNEL)")
            return .text("no route matches this alert and no default channel is configured (FIREBELL_ALERT_CHANNEL)", status: .unprocessableContent)
        }
        let outcome = try await service.transact(ChannelInput(.input(.alert(signal(severity))), in: channel, by: Input.monitoring))
        guard outcome.result == .accepted else {
            logger.error("alert not saved", metadata: ["channel": "\(channel)", "reply": "\(outcome.reply ?? "")"])
            return .text("the alert could not be saved; retry", status: .internalServerError)
        }
        let active = await service.state(of: channel).activeID
        let incident = outcome.records.compactMap(\.incident).first ?? active
        return .json(AlertIntakeAnswer(channel: channel.description, events: outcome.records.count, incident: incident?.description))
    }

    private func decoded<T>(_ decode: () throws(AlertPayloadError) -> T) throws -> T {
        do { return try decode() } catch { throw HTTPError(.badRequest, message: error.description) }
    }

    private func authenticatedJSON(_ request: Request, with authenticator: WebhookAuthenticator) async throws -> Data {
        let body: ByteBuffer
        do { body = try await request.body.collect(upTo: Self.maxBodyBytes) } catch {
            throw HTTPError(.contentTooLarge, message: "the body is over \(Self.maxBodyBytes / 1024) KiB")
        }
        let bytes = Data(body.readableBytesView)
        do {
            try authenticator.verify(
                body: bytes,
                authorization: request.headers[.authorization],
                timestamp: request.headers[.firebellTimestamp],
                signature: request.headers[.firebellSignature],
                now: service.clock.now()
            )
        } catch {
            logger.warning("rejected an alert webhook", metadata: ["path": "\(request.uri.path)", "reason": "\(error)"])
            throw HTTPError(.unauthorized, message: "missing or invalid credentials")
        }
        guard request.headers[.contentType]?.lowercased().hasPrefix("application/json") == true else {
            throw HTTPError(.unsupportedMediaType, message: "expected application/json")
        }
        return bytes
    }
}

extension HTTPField.Name {
    static let firebellTimestamp = HTTPField.Name("X-Firebell-Timestamp")!
    static let firebellSignature = HTTPField.Name("X-Firebell-Signature")!
}

/// What an alert webhook answers: the channel it went to, how many events it recorded, and the incident.
struct AlertIntakeAnswer: Encodable {
    var channel: String
    var events: Int
    var incident: String?
}
