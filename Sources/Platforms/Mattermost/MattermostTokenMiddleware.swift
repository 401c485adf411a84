import Hummingbird
import Logging

/// Checks Mattermost's command token (`Authorization: Token …`, as the server sends it) in constant time before the
/// body is read; a missing or wrong token ends the request with 401.
struct MattermostTokenMiddleware: RouterMiddleware {
    typealias Context = FirebellRequestContext

    let verifier: MattermostTokenVerifier
    let logger: Logger

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        guard verifier.isValid(authorization: request.headers[.authorization]) else {
            logger.warning("rejected a Mattermost command: missing or wrong token")
            throw HTTPError(.unauthorized, message: "missing or invalid command token")
        }
        var context = context
        context.verified = VerifiedSender(platform: .mattermost, identity: "mattermost-command-token")
        var verified = request
        _ = try await VerifiedBody.collect(&verified)
        return try await next(verified, context)
    }
}
