import Foundation
import HTTPTypes
import Hummingbird
import Logging

/// Checks Discord's Ed25519 signature over `X-Signature-Timestamp` + body (and a 5-minute window) before any route
/// parses the body; a request that fails gets 401, as Discord's own endpoint checks expect.
struct DiscordSignatureMiddleware: RouterMiddleware {
    typealias Context = FirebellRequestContext

    let verifier: DiscordVerifier
    let transactions: any ChannelTransactions
    let logger: Logger

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        var request = request
        let body = try await VerifiedBody.collect(&request)
        guard
            verifier.isValid(
                body: body,
                timestamp: request.headers[.discordTimestamp],
                signature: request.headers[.discordSignature],
                now: transactions.now()
            )
        else {
            logger.warning("rejected a Discord interaction: invalid request signature")
            return .text("invalid request signature", status: .unauthorized)
        }
        var context = context
        context.verified = VerifiedSender(platform: .discord, identity: "discord-application-key")
        return try await next(request, context)
    }
}

extension HTTPField.Name {
    static let discordSignature = HTTPField.Name("X-Signature-Ed25519")!
    static let discordTimestamp = HTTPField.Name("X-Signature-Timestamp")!
}
