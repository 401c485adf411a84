import Foundation
import HTTPTypes
import Hummingbird
import IncidentKit
import Logging
import Messaging
import NIOCore
import Platforms

/// `POST /slack/commands`: verify, then run the command, then answer the invoker once it is durable.
struct SlackCommandRoute: Sendable {
    let service: IncidentService
    let outbox: OutboxDispatcher
    let verifier: SlackRequestVerifier
    let logger: Logger

    /// Slack bodies are small; anything larger is refused before it is read in full.
    static let maxBodyBytes = 64 * 1024

    func handle(_ request: Request) async throws -> Response {
        let body = try await request.body.collect(upTo: Self.maxBodyBytes)
        let bytes = Data(body.readableBytesView)
        do {
            try verifier.verify(body: bytes, timestamp: request.headers[.slackTimestamp], signature: request.headers[.slackSignature],
                                now: service.clock.now())
        } catch {
            logger.warning("rejected a Slack request", metadata: ["reason": "\(error)"])
            return .text("invalid or expired signature", status: .unauthorized)
        }
        guard request.headers[.contentType]?.lowercased().hasPrefix("application/x-www-form-urlencoded") == true else {
            return .text("expected application/x-www-form-urlencoded", status: .unsupportedMediaType)
        }
        guard let fields = FormFields(body: bytes) else { return .text("the form is not valid URL-encoded UTF-8", status: .badRequest) }
        if fields["ssl_check"] == "1" { return Response(status: .ok) }
        guard let command = SlackSlashCommand(fields: fields) else {
            return .text("missing command, team_id, channel_id or user_id", status: .badRequest)
        }
        guard ["/incident", "/inc"].contains(command.command) else {
            return .ephemeral("Firebell answers /incident and /inc, not \(Markup.slack.escape(command.command)).")
        }
        let outcome = await service.handle(command.inbound, markup: .slack)
        do {
            try await outbox.enqueue(outcome.posts, in: command.inbound.channel, now: service.clock.now())
        } catch {
            logger.error("could not queue channel posts", metadata: ["channel": "\(command.inbound.channel)", "error": "\(error)"])
            return .ephemeral("✓ Recorded, but the channel post could not be queued (\(error)). Ask the operator to check the data folder.")
        }
        return .ephemeral(outcome.reply ?? outcome.confirmation ?? "")
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

    /// A Slack JSON answer only the invoker sees.
    static func ephemeral(_ text: String) -> Response {
        let json = (try? JSONSerialization.data(withJSONObject: ["response_type": "ephemeral", "text": text], options: [.sortedKeys])) ?? Data()
        return Response(status: .ok, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(bytes: json)))
    }
}
