import Foundation
import HTTPTypes
import Hummingbird
import Logging

/// Verifies Slack's request signature (HMAC-SHA256 `v0` over timestamp and body, 5-minute window) before any route
/// parses the body; a bad, missing or stale signature ends the request with 401, an oversized body with 413.
struct SlackSignatureMiddleware: RouterMiddleware {
    typealias Context = FirebellRequestContext

    let verifier: SlackRequestVerifier
    let transactions: any ChannelTransactions
    let logger: Logger

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        var request = request
        let body = try await VerifiedBody.collect(&request)
        do {
            try verifier.verify(
                body: body,
                timestamp: request.headers[.slackTimestamp],
                signature: request.headers[.slackSignature],
                now: transactions.now()
            )
        } catch {
            logger.warning("rejected a Slack request", metadata: ["path": "\(request.uri.path)", "reason": "\(error)"])
            throw HTTPError(.unauthorized, message: "invalid or expired signature")
        }
        var context = context
        context.verified = VerifiedSender(platform: .slack, identity: "slack-signing-secret")
        return try await next(request, context)
    }
}

extension HTTPField.Name {
    package static let slackTimestamp = HTTPField.Name("X-Slack-Request-Timestamp")!
    package static let slackSignature = HTTPField.Name("X-Slack-Signature")!
}
