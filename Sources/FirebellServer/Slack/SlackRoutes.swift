import Foundation
import HTTPTypes
import Hummingbird
import Logging
import NIOCore
import Platforms

/// The Slack HTTP endpoints: verify the signature before anything is parsed, then hand over to `SlackHandler`.
struct SlackRoutes: Sendable {
    let handler: SlackHandler
    let verifier: SlackRequestVerifier
    let logger: Logger

    /// Slack bodies are small; anything larger is refused before it is read in full.
    static let maxBodyBytes = 64 * 1024

    /// `POST /slack/commands`: answered once the command's events are durable.
    func command(_ request: Request) async throws -> Response {
        let bytes = try await verifiedBody(request)
        guard request.headers[.contentType]?.lowercased().hasPrefix("application/x-www-form-urlencoded") == true else {
            return .text("expected application/x-www-form-urlencoded", status: .unsupportedMediaType)
        }
        guard let fields = FormFields(body: bytes) else { return .text("the form is not valid URL-encoded UTF-8", status: .badRequest) }
        if fields["ssl_check"] == "1" { return Response(status: .ok) }
        guard let command = SlackSlashCommand(fields: fields) else {
            return .text("missing command, team_id, channel_id or user_id", status: .badRequest)
        }
        return .ephemeral(await handler.slashCommand(command))
    }

    /// `POST /slack/events`: URL verification and mentions; redeliveries are acknowledged and ignored.
    func event(_ request: Request) async throws -> Response {
        let bytes = try await verifiedBody(request)
        guard let event = SlackEvent(json: bytes) else { return .text("not a Slack Events API body", status: .badRequest) }
        if case .urlVerification(let challenge) = event {
            return .json(["challenge": challenge])
        }
        guard await handler.event(event) else { return .text("not saved; deliver it again", status: .internalServerError) }
        return Response(status: .ok)
    }

    /// `POST /slack/interactions`: buttons and the update modal.
    func interaction(_ request: Request) async throws -> Response {
        let bytes = try await verifiedBody(request)
        guard let payload = FormFields(body: bytes)?["payload"], let interaction = SlackInteraction(payload: payload) else {
            return .text("expected a form with a JSON payload field", status: .badRequest)
        }
        if let errors = await handler.interaction(interaction) {
            return .json(["response_action": "errors", "errors": errors])
        }
        return Response(status: .ok)
    }

    /// The body, once its signature is verified; a bad or stale signature ends the request with 401.
    private func verifiedBody(_ request: Request) async throws -> Data {
        let body = try await request.body.collect(upTo: Self.maxBodyBytes)
        let bytes = Data(body.readableBytesView)
        do {
            try verifier.verify(
                body: bytes,
                timestamp: request.headers[.slackTimestamp],
                signature: request.headers[.slackSignature],
                now: handler.service.clock.now()
            )
        } catch {
            logger.warning("rejected a Slack request", metadata: ["path": "\(request.uri.path)", "reason": "\(error)"])
            throw HTTPError(.unauthorized, message: "invalid or expired signature")
        }
        return bytes
    }
}

extension HTTPField.Name {
    static let slackTimestamp = HTTPField.Name("X-Slack-Request-Timestamp")!
    static let slackSignature = HTTPField.Name("X-Slack-Signature")!
}

extension Response {
    /// A plain-text answer (errors for callers that are not people).
    static func text(_ text: String, status: HTTPResponse.Status) -> Response {
        Response(status: status, headers: [.contentType: "text/plain; charset=utf-8"], body: .init(byteBuffer: ByteBuffer(string: text + "\n")))
    }

    /// A JSON answer.
    static func json(_ object: [String: Any]) -> Response {
        let json = (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes])) ?? Data()
        return Response(status: .ok, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(bytes: json)))
    }

    /// A Slack JSON answer only the invoker sees.
    static func ephemeral(_ text: String) -> Response { .json(["response_type": "ephemeral", "text": text]) }
}
