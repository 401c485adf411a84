import AsyncHTTPClient
import Foundation
import JWTKit
import NIOCore
import Synchronization

/// Verifies the `Authorization: Bearer` token the Bot Connector sends with every activity, before the activity is
/// parsed: an RS256/384/512 signature by a key from the OpenID metadata's JWKS, issuer
/// `https://api.botframework.com`, audience = the app id, within `nbf`/`exp` with 5 minutes of skew. The key's
/// endorsements and the `serviceurl` claim are checked against the activity by ``checkActivity(_:channelID:serviceURL:)``.
///
/// Keys are fetched once and cached; a token naming a key not in the cache fetches them again, at most once per
/// `refetchInterval`, so a key rotation is picked up and a flood of forged key ids cannot hammer the endpoint.
package final class BotFrameworkAuthenticator: Sendable {
    /// What a verified token proves.
    package struct Verified: Sendable, Equatable {
        package var serviceURL: String?
        /// The channels the signing key is endorsed for (`msteams`).
        package var endorsements: [String]
    }

    package enum Failure: Error, Equatable, CustomStringConvertible {
        case missingToken
        case malformed
        case algorithm(String)
        case unknownKey
        case signature
        case issuer
        case audience
        case expired
        case notYetValid
        case serviceURL
        case endorsement
        case keysUnavailable(String)

        package var description: String {
            switch self {
            case .missingToken: "no Bearer token"
            case .malformed: "the token is not a JWT"
            case .algorithm(let alg): "algorithm \(alg) is not allowed"
            case .unknownKey: "the token's key is not one of Bot Framework's"
            case .signature: "the signature does not verify"
            case .issuer: "wrong issuer"
            case .audience: "wrong audience"
            case .expired: "expired"
            case .notYetValid: "not yet valid"
            case .serviceURL: "the serviceurl claim does not match the activity"
            case .endorsement: "the key is not endorsed for this channel"
            case .keysUnavailable(let reason): "the signing keys could not be fetched (\(reason))"
            }
        }
    }

    package static let issuer = "https://api.botframework.com"
    static let allowedAlgorithms: Set<String> = ["RS256", "RS384", "RS512"]
    /// Bot Framework's clock skew.
    static let skew: TimeInterval = 300

    /// The bot's Microsoft App ID: every token's audience.
    package let appID: String
    private let metadataURL: String
    private let client: HTTPClient
    private let refetchInterval: Duration
    private struct Cache {
        var keys: [String: Key] = [:]
        var fetchedAt: ContinuousClock.Instant?
    }
    private struct Key {
        let collection: JWTKeyCollection
        let endorsements: [String]
    }
    private let cache = Mutex(Cache())
    /// One fetch at a time; callers that arrive meanwhile wait for it.
    private let fetching = Mutex<Task<Void, any Error>?>(nil)

    package init(appID: String, metadataURL: String, client: HTTPClient, refetchInterval: Duration = .seconds(60)) {
        self.appID = appID
        self.metadataURL = metadataURL
        self.client = client
        self.refetchInterval = refetchInterval
    }

    /// Checks the token of an `Authorization` header at `now`.
    package func verify(authorization: String?, now: Date) async throws(Failure) -> Verified {
        guard let authorization, authorization.hasPrefix("Bearer ") else { throw .missingToken }
        let token = String(authorization.dropFirst("Bearer ".count))
        guard let header = Self.header(of: token) else { throw .malformed }
        guard let alg = header.alg, Self.allowedAlgorithms.contains(alg) else { throw .algorithm(header.alg ?? "none") }
        guard let kid = header.kid else { throw .unknownKey }
        let key = try await key(kid)
        let claims: BotFrameworkClaims
        do { claims = try await key.collection.verify(token, as: BotFrameworkClaims.self) } catch { throw .signature }
        guard claims.iss == Self.issuer else { throw .issuer }
        guard claims.aud == appID else { throw .audience }
        guard now.timeIntervalSince(claims.exp) <= Self.skew else { throw .expired }
        if let nbf = claims.nbf, nbf.timeIntervalSince(now) > Self.skew { throw .notYetValid }
        return Verified(serviceURL: claims.serviceurl, endorsements: key.endorsements)
    }

    /// The checks that need the activity: its `serviceUrl` must be the one the token was issued for (exactly), and
    /// its channel one the key is endorsed for.
    package static func checkActivity(_ verified: Verified, channelID: String?, serviceURL: String?) throws(Failure) {
        guard let serviceURL, verified.serviceURL == serviceURL else { throw .serviceURL }
        if let channelID, !channelID.isEmpty, !verified.endorsements.isEmpty, !verified.endorsements.contains(channelID) {
            throw .endorsement
        }
    }

    private func key(_ kid: String) async throws(Failure) -> Key {
        if let known = cache.withLock({ $0.keys[kid] }) { return known }
        let mayFetch = cache.withLock { cache in
            guard let last = cache.fetchedAt else { return true }
            return ContinuousClock.now - last >= refetchInterval
        }
        guard mayFetch else { throw .unknownKey }
        do { try await refresh() } catch { throw .keysUnavailable("\(error)") }
        guard let key = cache.withLock({ $0.keys[kid] }) else { throw .unknownKey }
        return key
    }

    private func refresh() async throws {
        let task = fetching.withLock { running -> Task<Void, any Error> in
            if let running { return running }
            let task = Task { try await self.fetchKeys() }
            running = task
            return task
        }
        defer { fetching.withLock { if $0 == task { $0 = nil } } }
        try await task.value
    }

    private func fetchKeys() async throws {
        cache.withLock { $0.fetchedAt = .now }
        let metadata = try await get(metadataURL, as: OpenIDMetadata.self)
        let jwks = try await get(metadata.jwksURI, as: BotFrameworkJWKS.self)
        var keys: [String: Key] = [:]
        for jwk in jwks.keys where jwk.kty == "RSA" {
            let collection = JWTKeyCollection()
            // One key per collection: a token is checked against exactly the key it names, never a default.
            try await collection.add(jwk: .rsa(nil, identifier: JWKIdentifier(string: jwk.kid), modulus: jwk.n, exponent: jwk.e))
            keys[jwk.kid] = Key(collection: collection, endorsements: jwk.endorsements ?? [])
        }
        cache.withLock { $0.keys = keys }
    }

    private func get<T: Decodable>(_ url: String, as: T.Type) async throws -> T {
        let response = try await client.execute(HTTPClientRequest(url: url), timeout: .seconds(10))
        guard response.status == .ok else { throw Failure.keysUnavailable("HTTP \(response.status.code) from \(url)") }
        let body = try await response.body.collect(upTo: 1 << 20)
        return try JSONDecoder().decode(T.self, from: Data(body.readableBytesView))
    }

    /// The header of a compact JWS, decoded without trusting it.
    static func header(of token: String) -> (alg: String?, kid: String?)? {
        let parts = token.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 3, let data = Base64URL.decode(parts[0]),
            let header = try? JSONDecoder().decode(TokenHeader.self, from: data)
        else { return nil }
        return (header.alg, header.kid)
    }

    private struct TokenHeader: Decodable {
        var alg: String?
        var kid: String?
    }
}

/// The OpenID metadata document: where the keys are.
struct OpenIDMetadata: Decodable {
    var jwksURI: String

    enum CodingKeys: String, CodingKey { case jwksURI = "jwks_uri" }
}

/// Bot Framework's JWKS, with the `endorsements` jwt-kit would drop.
struct BotFrameworkJWKS: Codable {
    struct Key: Codable {
        var kty: String
        var kid: String
        var n: String
        var e: String
        var endorsements: [String]?
    }
    var keys: [Key]
}

/// Base64url without padding, as JWTs use it.
enum Base64URL {
    static func decode(_ text: Substring) -> Data? {
        var base64 = text.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        base64 += String(repeating: "=", count: (4 - base64.count % 4) % 4)
        return Data(base64Encoded: base64)
    }

    static func encode(_ data: Data) -> String {
        data.base64EncodedString().replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }
}
