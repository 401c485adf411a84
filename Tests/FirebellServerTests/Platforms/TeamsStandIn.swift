import Crypto
import CryptoExtras
import Foundation
import HTTPTypes
import Hummingbird
import JWTKit
import NIOCore

@testable import Platforms

/// Loopback stand-ins for what Teams needs from Microsoft: the Bot Framework OpenID metadata and its JWKS (a test
/// RSA key, with `endorsements`), the Entra token endpoint (client credentials), and the Bot Connector API
/// (`POST`/`PUT …/v3/conversations/{id}/activities`), each answering as documented and recording what it got.
actor TeamsStandIn {
    struct Activity: Sendable {
        let method: String
        /// The conversation id as Teams reads it (percent-decoded), and the activity id of an update.
        let conversation: String
        let activityID: String?
        let authorization: String?
        let body: Data
        let at = ContinuousClock.now

        var json: [String: Any] { (try? JSONSerialization.jsonObject(with: body)) as? [String: Any] ?? [:] }
        var text: String? { json["text"] as? String }
        /// The card's text blocks joined as lines, when the activity is a card.
        var cardText: String? {
            guard let attachments = json["attachments"] as? [[String: Any]], let content = attachments.first?["content"] as? [String: Any],
                let body = content["body"] as? [[String: Any]]
            else { return nil }
            return body.compactMap { $0["text"] as? String }.map { $0.replacingOccurrences(of: "\\", with: "") }.joined(separator: "\n")
        }
        var actions: [String] {
            guard let attachments = json["attachments"] as? [[String: Any]], let content = attachments.first?["content"] as? [String: Any] else {
                return []
            }
            return ((content["actions"] as? [[String: Any]]) ?? []).compactMap { $0["verb"] as? String }
        }
    }

    static let appID = "00000000-0000-4000-8000-00000000f1b3"
    static let appPassword = "test-app-password"
    static let tenant = "50612dbb-0237-4969-b378-8d42590f9c00"
    static let connectorToken = "connector-token-1"
    static let kid = "test-kid-1"

    let signingKey: JWTKit.Insecure.RSA.PrivateKey
    let signer: JWTKeyCollection
    private(set) var activities: [Activity] = []
    private(set) var tokenRequests: [[String: String]] = []
    private(set) var keyFetches = 0
    /// Posts to answer `429 Too Many Requests` with `Retry-After: 1` before accepting any, as Teams throttles.
    private var throttled: Int
    private(set) var throttledAt: [ContinuousClock.Instant] = []
    private var nextActivity = 1_759_944_781_000

    init(throttling: Int = 0) async throws {
        throttled = throttling
        signingKey = try JWTKit.Insecure.RSA.PrivateKey(backing: _RSA.Signing.PrivateKey(keySize: .bits2048))
        signer = JWTKeyCollection()
        await signer.add(rsa: signingKey, digestAlgorithm: .sha256, kid: JWKIdentifier(string: Self.kid))
    }

    /// A token as the Bot Connector signs it, with any claim changed for a test.
    func token(
        audience: String = TeamsStandIn.appID,
        issuer: String = BotFrameworkAuthenticator.issuer,
        expires: Date = Date().addingTimeInterval(3600),
        serviceURL: String,
        kid: String = TeamsStandIn.kid,
        keys: JWTKeyCollection? = nil
    ) async throws -> String {
        let claims = BotFrameworkClaims(iss: issuer, aud: audience, exp: expires, nbf: Date().addingTimeInterval(-60), serviceurl: serviceURL)
        return try await (keys ?? signer).sign(claims, kid: JWKIdentifier(string: kid))
    }

    private func jwks() throws -> String {
        let (modulus, exponent) = try signingKey.publicKey.getKeyPrimitives()
        let key = BotFrameworkJWKS.Key(
            kty: "RSA",
            kid: Self.kid,
            n: Base64URL.encode(modulus),
            e: Base64URL.encode(exponent),
            endorsements: ["msteams"]
        )
        keyFetches += 1
        return String(decoding: try JSONEncoder().encode(BotFrameworkJWKS(keys: [key])), as: UTF8.self)
    }

    private func recordToken(_ body: ByteBuffer) {
        var form: [String: String] = [:]
        for pair in String(buffer: body).split(separator: "&") {
            let parts = pair.split(separator: "=", maxSplits: 1).map { String($0).removingPercentEncoding ?? String($0) }
            if parts.count == 2 { form[parts[0]] = parts[1] }
        }
        tokenRequests.append(form)
    }

    private func record(_ request: Request, body: ByteBuffer) -> String {
        let parts = request.uri.path.split(separator: "/").map { String($0).removingPercentEncoding ?? String($0) }
        // /v3/conversations/{id}/activities[/{activityId}]
        let conversation = parts.count > 2 ? parts[2] : ""
        let activityID = parts.count > 4 ? parts[4] : nil
        activities.append(
            Activity(
                method: request.method.rawValue,
                conversation: conversation,
                activityID: activityID,
                authorization: request.headers[.authorization],
                body: Data(body.readableBytesView)
            )
        )
        if let activityID { return activityID }
        nextActivity += 1
        return "\(nextActivity)"
    }

    /// Whether this request is throttled (and counts it).
    func throttle() -> Bool {
        guard throttled > 0 else { return false }
        throttled -= 1
        throttledAt.append(.now)
        return true
    }

    /// Posts and updates, in order.
    var posts: [Activity] { activities.filter { $0.method == "POST" } }
    var updates: [Activity] { activities.filter { $0.method == "PUT" } }

    nonisolated func application() -> some ApplicationProtocol {
        let router = Router()
        router.get("/openid") { request, _ in
            let host = request.head.authority ?? "127.0.0.1"
            return Self.json(
                #"{"issuer":"https://api.botframework.com","jwks_uri":"http://\#(host)/keys","id_token_signing_alg_values_supported":["RS256"]}"#
            )
        }
        router.get("/keys") { _, _ in Self.json(try await self.jwks()) }
        router.post("/{tenant}/oauth2/v2.0/token") { request, _ in
            await self.recordToken(try await request.body.collect(upTo: 1 << 16))
            return Self.json(#"{"token_type":"Bearer","expires_in":3600,"ext_expires_in":3600,"access_token":"\#(TeamsStandIn.connectorToken)"}"#)
        }
        for method in [HTTPRequest.Method.post, .put] {
            router.on("/v3/conversations/**", method: method) { request, _ in
                guard request.headers[.authorization] == "Bearer \(TeamsStandIn.connectorToken)" else {
                    return Self.json(#"{"error":{"code":"BotNotRegistered"}}"#, status: .unauthorized)
                }
                if method == .post, await self.throttle() {
                    var response = Self.json(#"{"error":{"code":"Throttled"}}"#, status: .tooManyRequests)
                    response.headers[.retryAfter] = "1"
                    return response
                }
                let id = await self.record(request, body: try await request.body.collect(upTo: 1 << 20))
                return Self.json(#"{"id":"\#(id)"}"#, status: method == .post ? .created : .ok)
            }
        }
        return Application(router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0)))
    }

    static func json(_ text: String, status: HTTPResponse.Status = .ok) -> Response {
        Response(status: status, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(string: text)))
    }
}
