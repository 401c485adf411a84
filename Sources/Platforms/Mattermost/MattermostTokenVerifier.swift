import Crypto
import Foundation

/// Checks Mattermost's command token (`Authorization: Token <token>`, the scheme the server really sends)
/// in constant time, before the body is parsed.
package struct MattermostTokenVerifier: Sendable {
    private let comparisonKey = SymmetricKey(size: .bits256)
    private let tokenMAC: HashedAuthenticationCode<SHA256>

    /// Nil for an empty token: a verifier that accepts everything must not exist.
    package init?(commandToken: String) {
        guard !commandToken.isEmpty else { return nil }
        tokenMAC = HMAC<SHA256>.authenticationCode(for: Data(commandToken.utf8), using: comparisonKey)
    }

    package func isValid(authorization: String?) -> Bool {
        guard let authorization, authorization.hasPrefix("Token ") else { return false }
        return isValid(token: String(authorization.dropFirst("Token ".count)))
    }

    package func isValid(token: String) -> Bool {
        HMAC<SHA256>.isValidAuthenticationCode(tokenMAC, authenticating: Data(token.utf8), using: comparisonKey)
    }
}
