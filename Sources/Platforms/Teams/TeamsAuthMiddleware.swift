import Foundation
import Hummingbird
import Logging

/// Verifies the Bot Connector's token before the activity is parsed (signature, issuer, audience, time), then that
/// the activity's `serviceUrl` is the one the token names and its channel one the key is endorsed for. Anything
/// that fails gets 401 and changes nothing. A verified activity's service URL is recorded for its conversation:
/// the only URLs Firebell sends to.
struct TeamsAuthMiddleware: RouterMiddleware {
    typealias Context = FirebellRequestContext

    let authenticator: BotFrameworkAuthenticator
    let serviceURLs: TeamsServiceURLs
    let people: TeamsPeople
    let transactions: any ChannelTransactions
    let logger: Logger

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let verified: BotFrameworkAuthenticator.Verified
        do {
            verified = try await authenticator.verify(authorization: request.headers[.authorization], now: transactions.now())
        } catch {
            logger.warning("rejected a Teams activity", metadata: ["reason": "\(error)"])
            throw HTTPError(.unauthorized, message: "invalid Bot Framework token")
        }
        var request = request
        let body = try await VerifiedBody.collect(&request)
        guard let activity = try? JSONDecoder().decode(TeamsActivity.self, from: body) else {
            return .text("not a Bot Framework activity", status: .badRequest)
        }
        do {
            try BotFrameworkAuthenticator.checkActivity(verified, channelID: activity.channelId, serviceURL: activity.serviceUrl)
        } catch {
            logger.warning("rejected a Teams activity", metadata: ["reason": "\(error)"])
            throw HTTPError(.unauthorized, message: "invalid Bot Framework token")
        }
        if let serviceURL = activity.serviceUrl, let channel = activity.channel {
            do { try serviceURLs.record(serviceURL, for: channel.channel) } catch {
                logger.error("could not keep a Teams service URL", metadata: ["error": "\(error)"])
                return .text("not saved; deliver it again", status: .internalServerError)
            }
        }
        people.learn(activity)
        var context = context
        context.verified = VerifiedSender(platform: .teams, identity: authenticator.appID, serviceURL: activity.serviceUrl)
        return try await next(request, context)
    }
}
