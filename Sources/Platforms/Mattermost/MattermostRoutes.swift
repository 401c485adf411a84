import Foundation
import Hummingbird
import NIOCore

/// `POST /mattermost/commands`: the custom slash command, behind ``MattermostTokenMiddleware``. The answer (ephemeral
/// JSON) comes once the command's events are durable, well inside Mattermost's 3 s.
struct MattermostRoutes: Sendable {
    let transactions: any ChannelTransactions

    func collection(behind verification: MattermostTokenMiddleware) -> RouteCollection<FirebellRequestContext> {
        RouteCollection(context: FirebellRequestContext.self)
            .add(middleware: verification)
            .post("commands") { request, context in try await command(request, context, verifier: verification.verifier) }
    }

    func command(_ request: Request, _ context: FirebellRequestContext, verifier: MattermostTokenVerifier) async throws -> Response {
        guard context.verified?.platform == .mattermost else { throw HTTPError(.unauthorized, message: "unverified request") }
        let body = try await request.body.collect(upTo: VerifiedBody.maxBytes)
        guard FormDecoder.isForm(request.headers[.contentType]) else {
            return .text("expected application/x-www-form-urlencoded", status: .unsupportedMediaType)
        }
        let command: MattermostSlashCommand
        do { command = try FormDecoder().decode(MattermostSlashCommand.self, from: body.readableBytesView) } catch {
            return .text("missing or empty command, team_id, channel_id or user_name, or a malformed form", status: .badRequest)
        }
        // The form repeats the token; both must match.
        guard verifier.isValid(token: command.token) else { throw HTTPError(.unauthorized, message: "invalid command token") }
        let answer = try await transactions.transact(.command(command.inbound, responseURL: command.responseURL))
        return .json(MattermostCommandAnswer(text: answer.text))
    }
}

/// A slash command's answer: only the invoker sees it.
struct MattermostCommandAnswer: Encodable {
    var responseType = "ephemeral"
    var text: String

    enum CodingKeys: String, CodingKey {
        case text
        case responseType = "response_type"
    }
}
