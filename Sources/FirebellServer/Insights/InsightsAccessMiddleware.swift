import Crypto
import Foundation
import HTTPTypes
import Hummingbird
import Platforms

/// Keeps the insights to the team when `FIREBELL_INSIGHTS_PASSWORD` is set: a browser gets HTTP Basic (any user
/// name, that password), a script may send `Authorization: Bearer <password>`. Checked before the route runs, in
/// constant time (the password is kept only as its MAC under a key made at start-up).
struct InsightsAccessMiddleware: RouterMiddleware {
    typealias Context = FirebellRequestContext

    private let comparisonKey = SymmetricKey(size: .bits256)
    private let passwordMAC: HashedAuthenticationCode<SHA256>

    /// Nil when no password is set: the insights are then served to whoever reaches the port.
    init?(password: String?) {
        guard let password, !password.isEmpty else { return nil }
        passwordMAC = HMAC<SHA256>.authenticationCode(for: Data(password.utf8), using: comparisonKey)
    }

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        guard let given = Self.password(in: request.headers[.authorization]),
            HMAC<SHA256>.isValidAuthenticationCode(passwordMAC, authenticating: Data(given.utf8), using: comparisonKey)
        else {
            return Response(
                status: .unauthorized,
                headers: [.wwwAuthenticate: "Basic realm=\"Firebell insights\", charset=\"UTF-8\"", .contentType: "text/plain; charset=utf-8"],
                body: .init(byteBuffer: .init(string: "The insights need the password (FIREBELL_INSIGHTS_PASSWORD): sign in with any user name."))
            )
        }
        return try await next(request, context)
    }

    /// The password of a `Basic` (after the first colon) or `Bearer` authorization.
    static func password(in authorization: String?) -> String? {
        guard let authorization, authorization.utf8.count <= 4096 else { return nil }
        if authorization.hasPrefix("Bearer ") { return String(authorization.dropFirst(7)) }
        guard authorization.hasPrefix("Basic "), let decoded = Data(base64Encoded: String(authorization.dropFirst(6))),
            let text = String(data: decoded, encoding: .utf8), let colon = text.firstIndex(of: ":")
        else { return nil }
        return String(text[text.index(after: colon)...])
    }
}
