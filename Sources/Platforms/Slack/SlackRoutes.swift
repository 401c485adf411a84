import Foundation
import Hummingbird
import NIOCore

/// The Slack HTTP endpoints, behind ``SlackSignatureMiddleware``: each hands its verified payload to ``SlackHandler``.
struct SlackRoutes: Sendable {
    let handler: SlackHandler
    /// Slack's form bodies, decoded from their bytes.
    static let forms = FormDecoder()

    func collection(behind verification: SlackSignatureMiddleware) -> RouteCollection<FirebellRequestContext> {
        RouteCollection(context: FirebellRequestContext.self)
            .add(middleware: verification)
            .post("commands") { request, context in try await command(request, context) }
            .post("events") { request, context in try await event(request, context) }
            .post("interactions") { request, context in try await interaction(request, context) }
    }

    /// `POST /slack/commands`: answered once the command's events are durable.
    func command(_ request: Request, _ context: FirebellRequestContext) async throws -> Response {
        let bytes = try await verifiedBody(request, context)
        guard FormDecoder.isForm(request.headers[.contentType]) else {
            return .text("expected application/x-www-form-urlencoded", status: .unsupportedMediaType)
        }
        let command: SlackSlashCommand
        do { command = try SlackSlashCommand(form: bytes) } catch .notUTF8 {
            return .text("the form is not valid UTF-8", status: .badRequest)
        } catch .notACommand {
            // Slack's periodic check of the URL has none of a command's fields: read it only then, off the hot path.
            if (try? Self.forms.decode(SlackSSLCheck.self, from: bytes))?.sslCheck == "1" { return Response(status: .ok) }
            return .text("missing or empty command, team_id, channel_id or user_id, or a malformed form", status: .badRequest)
        }
        return .json(SlackResponseMessage(text: try await handler.slashCommand(command)))
    }

    /// `POST /slack/events`: URL verification and mentions; redeliveries are acknowledged and ignored.
    func event(_ request: Request, _ context: FirebellRequestContext) async throws -> Response {
        let bytes = try await verifiedBody(request, context)
        guard let event = SlackEvent(json: bytes) else { return .text("not a Slack Events API body", status: .badRequest) }
        if case .urlVerification(let challenge) = event {
            return .json(SlackChallengeAnswer(challenge: challenge))
        }
        guard try await handler.event(event) else { return .text("not saved; deliver it again", status: .internalServerError) }
        return Response(status: .ok)
    }

    /// `POST /slack/interactions`: buttons and the update modal.
    func interaction(_ request: Request, _ context: FirebellRequestContext) async throws -> Response {
        let bytes = try await verifiedBody(request, context)
        guard let payload = try? Self.forms.decode(SlackInteractionForm.self, from: bytes).payload,
            let interaction = SlackInteraction(payload: payload)
        else {
            return .text("expected a form with a JSON payload field", status: .badRequest)
        }
        if let errors = try await handler.interaction(interaction) {
            return .json(SlackModalErrors(errors: errors))
        }
        return Response(status: .ok)
    }

    /// The body the middleware verified; a request that reached here unverified is refused.
    private func verifiedBody(_ request: Request, _ context: FirebellRequestContext) async throws -> Data {
        guard context.verified?.platform == .slack else { throw HTTPError(.unauthorized, message: "unverified request") }
        return Data(try await request.body.collect(upTo: VerifiedBody.maxBytes).readableBytesView)
    }
}

/// An interactivity request: one form field, `payload`, holding JSON.
struct SlackInteractionForm: Decodable {
    var payload: String
}

/// The answer to `url_verification`.
struct SlackChallengeAnswer: Encodable {
    var challenge: String
}

/// A modal that must stay open, with an error per input block.
struct SlackModalErrors: Encodable {
    var responseAction = "errors"
    var errors: [String: String]

    enum CodingKeys: String, CodingKey {
        case errors
        case responseAction = "response_action"
    }
}
