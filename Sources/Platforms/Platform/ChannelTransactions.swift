import Foundation
import Hummingbird
import IncidentKit

/// The one way in, as a platform sees it: every command, button, mention or message a platform receives becomes one
/// ``ChannelInput``, run as its channel's transaction; the ``Answer`` comes back once its events are durable.
/// An input whose ids break ``IdentifierRule`` is refused before its channel is touched: the error is an
/// `HTTPResponseError` (400), so a route that lets it through answers the caller correctly.
package protocol ChannelTransactions: Sendable {
    func transact(_ input: ChannelInput) async throws(InvalidIdentifier) -> Answer
    /// The time inbound requests are checked against (signature and token windows); a clock injected in tests.
    func now() -> Date
}

extension InvalidIdentifier: HTTPResponseError {
    package var status: HTTPResponse.Status { .badRequest }

    package func response(from request: Request, context: some RequestContext) throws -> Response {
        .text(message, status: status)
    }
}
