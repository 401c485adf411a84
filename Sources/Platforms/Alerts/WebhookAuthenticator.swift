import Crypto
import Foundation

/// Why an alert webhook request was refused.
package enum WebhookAuthenticationFailure: Error, Equatable, Sendable {
    case missingCredentials
    case stale
    case badSignature
    case badToken
}

/// Checks an alert webhook's credentials before anything is parsed: a bearer token (Alertmanager's
/// `http_config.authorization`), or an HMAC-SHA256 signature `X-Firebell-Signature: v1=<hex>` over
/// `v1:<X-Firebell-Timestamp>:<raw body>` within a 5-minute window. Comparisons are constant-time.
package struct WebhookAuthenticator: Sendable {
    /// The token is kept only as its MAC under a key made at start-up, so checking it is one constant-time MAC comparison.
    private let comparisonKey = SymmetricKey(size: .bits256)
    private let tokenMAC: HashedAuthenticationCode<SHA256>?
    private let signingKey: SymmetricKey?
    package let replayWindow: TimeInterval

    /// Nil when neither credential is set: an endpoint that accepts anyone must not exist.
    package init?(token: String?, signingSecret: String?, replayWindow: TimeInterval = 300) {
        let token = token.flatMap { $0.isEmpty ? nil : $0 }
        let secret = signingSecret.flatMap { $0.isEmpty ? nil : $0 }
        guard token != nil || secret != nil else { return nil }
        self.tokenMAC = token.map { [comparisonKey] in HMAC<SHA256>.authenticationCode(for: Data($0.utf8), using: comparisonKey) }
        self.signingKey = secret.map { SymmetricKey(data: Data($0.utf8)) }
        self.replayWindow = replayWindow
    }

    package func verify(
        body: some DataProtocol,
        authorization: String?,
        timestamp: String?,
        signature: String?,
        now: Date
    ) throws(WebhookAuthenticationFailure) {
        if let signingKey, let signature {
            guard let timestamp, timestamp.count <= 12, let seconds = Int(timestamp) else { throw .missingCredentials }
            guard abs(now.timeIntervalSince1970 - TimeInterval(seconds)) <= replayWindow else { throw .stale }
            guard signature.hasPrefix("v1="), let given = Hex.bytes(signature.dropFirst(3)), given.count == 32 else { throw .badSignature }
            var message = Data("v1:\(timestamp):".utf8)
            message.append(contentsOf: body)
            guard HMAC<SHA256>.isValidAuthenticationCode(given, authenticating: message, using: signingKey) else { throw .badSignature }
            return
        }
        if let tokenMAC, let authorization {
            guard authorization.hasPrefix("Bearer ") else { throw .badToken }
            let given = Data(authorization.dropFirst("Bearer ".count).utf8)
            guard HMAC<SHA256>.isValidAuthenticationCode(tokenMAC, authenticating: given, using: comparisonKey) else { throw .badToken }
            return
        }
        throw .missingCredentials
    }

    /// The signature header value for a body (for senders and tests).
    package func signature(body: some DataProtocol, timestamp: String) -> String? {
        guard let signingKey else { return nil }
        var message = Data("v1:\(timestamp):".utf8)
        message.append(contentsOf: body)
        return "v1=" + HMAC<SHA256>.authenticationCode(for: message, using: signingKey).map { String(format: "%02x", $0) }.joined()
    }
}
