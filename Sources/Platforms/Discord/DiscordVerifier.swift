import Crypto
import Foundation

/// Checks Discord's interaction signature: Ed25519 over `X-Signature-Timestamp` + raw body with the application's
/// public key, before anything is parsed, and (Firebell's own choice) a 5-minute window on the timestamp.
package struct DiscordVerifier: Sendable {
    private let key: Curve25519.Signing.PublicKey
    package let replayWindow: TimeInterval

    /// Nil when `publicKeyHex` is not 32 bytes of hex.
    package init?(publicKeyHex: String, replayWindow: TimeInterval = 300) {
        guard let bytes = Hex.bytes(publicKeyHex), bytes.count == 32,
            let key = try? Curve25519.Signing.PublicKey(rawRepresentation: bytes)
        else { return nil }
        self.key = key
        self.replayWindow = replayWindow
    }

    package func isValid(body: some DataProtocol, timestamp: String?, signature: String?, now: Date?) -> Bool {
        guard let timestamp, let signature, timestamp.count <= 20, let bytes = Hex.bytes(signature), bytes.count == 64 else { return false }
        if let now {
            guard let seconds = TimeInterval(timestamp), abs(now.timeIntervalSince1970 - seconds) <= replayWindow else { return false }
        }
        var message = Data(timestamp.utf8)
        message.append(contentsOf: body)
        return key.isValidSignature(bytes, for: message)
    }
}
