import Foundation
import Hummingbird
import Logging
import NIOCore
import Platforms

/// `POST /mattermost/commands`: the custom slash command. The token is checked before the body is parsed;
/// the answer (ephemeral JSON) comes once the command's events are durable, well inside Mattermost's 3 s.
struct MattermostRoutes: Sendable {
    let service: IncidentService
    let verifier: MattermostTokenVerifier
    let logger: Logger

    static let maxBodyBytes = 64 * 1024

    func register(on router: Router<BasicRequestContext>) {
        router.post("/mattermost/commands") { request, _ in try await command(request) }
    }

    func command(_ request: Request) async throws -> Response {
        guard verifier.isValid(authorization: request.headers[.authorization]) else {
            logger.warning("rejected a Mattermost command: missing or wrong token")
            throw HTTPError(.unauthorized, message: "missing or invalid command token")
        }
        let body = try await request.body.collect(upTo: Self.maxBodyBytes)
        guard request.headers[.contentType]?.lowercased().hasPrefix("application/x-www-form-urlencoded") == true else {
            return .text("expected application/x-www-form-urlencoded", status: .unsupportedMediaType)
        }
        guard let fields = FormFields(body: Data(body.readableBytesView)) else {
            return .text("the form is not valid URL-encoded UTF-8", status: .badRequest)
        }
        // The form repeats the token; both must match.
        guard let token = fields["token"], verifier.isValid(token: token) else { throw HTTPError(.unauthorized, message: "invalid command token") }
        guard let command = MattermostSlashCommand(fields: fields) else {
            return .text("missing command, team_id, channel_id or user_name", status: .badRequest)
        }
        let answer = await service.transact(.command(command.inbound, responseURL: command.responseURL))
        return .json(["response_type": "ephemeral", "text": answer.text])
    }
}
