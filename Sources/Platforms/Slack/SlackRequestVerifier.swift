import Crypto
import Foundation

/// Why a request claiming to come from Slack was refused.
package enum SlackVerificationFailure: Error, Equatable, Sendable {
    case missingHeaders
    case malformedTimestamp
    /// The timestamp is more than the replay window away from now.
    case stale
    case badSignature
}

/// Checks Slack's `v0` request signature: HMAC-SHA256 of `v0:<timestamp>:<raw body>` with the signing
/// secret, compared in constant time, within a 5-minute replay window. Runs before anything is parsed.
package struct SlackRequestVerifier: Sendable {
    /// An HMAC that has taken in the key and nothing else: each request starts from a copy of it, so the key's
    /// blocks are hashed once, not per request.
    private let keyed: HMAC<SHA256>
    package let replayWindow: TimeInterval

    /// Nil for an empty secret: a verifier that accepts everything must not exist.
    package init?(signingSecret: String, replayWindow: TimeInterval = 300) {
        guard !signingSecret.isEmpty else { return nil }
        keyed = HMAC<SHA256>(key: SymmetricKey(data: Data(signingSecret.utf8)))
        self.replayWindow = replayWindow
    }

    package func verify(body: some DataProtocol, timestamp: String?, signature: String?, now: Date) throws(SlackVerificationFailure) {
        guard let timestamp, let signature else { throw .missingHeaders }
        guard timestamp.count <= 12, let seconds = Int(timestamp) else { throw .malformedTimestamp }
        guard abs(now.timeIntervalSince1970 - TimeInterval(seconds)) <= replayWindow else { throw .stale }
        guard signature.hasPrefix("v0="), let given = Hex.bytes(signature.dropFirst(3)), given.count == 32 else { throw .badSignature }
        // A code compared with bytes is compared in constant time.
        guard code(body: body, timestamp: timestamp) == given else { throw .badSignature }
    }

    /// The `X-Slack-Signature` value for a body, as Slack computes it (for tests and stand-ins).
    package func signature(body: some DataProtocol, timestamp: String) -> String {
        "v0=" + code(body: body, timestamp: timestamp).map { String(format: "%02x", $0) }.joined()
    }

    /// HMAC-SHA256 of `v0:<timestamp>:<body>`.
    private func code(body: some DataProtocol, timestamp: String) -> HashedAuthenticationCode<SHA256> {
        var mac = keyed
        mac.update(data: Data("v0:\(timestamp):".utf8))
        mac.update(data: body)
        return mac.finalize()
    }
}
