import AsyncHTTPClient
import Foundation
import NIOCore
import Synchronization

/// The Bot Connector access token, by client credentials from the bot's tenant
/// (`{login}/{tenant}/oauth2/v2.0/token`, scope `https://api.botframework.com/.default`), cached until five minutes
/// before it expires. The password is sent only there and never logged.
final class BotConnectorToken: Sendable {
    private let url: String
    private let form: String
    private let client: HTTPClient
    private let timeout: TimeAmount
    private let cached = Mutex<(token: String, until: ContinuousClock.Instant)?>(nil)

    static let scope = "https://api.botframework.com/.default"

    init(settings: TeamsSettings, client: HTTPClient, timeout: TimeAmount) {
        url = "\(settings.loginURL)/\(Self.encoded(settings.tenantID))/oauth2/v2.0/token"
        form = [
            ("grant_type", "client_credentials"), ("client_id", settings.appID), ("client_secret", settings.appPassword), ("scope", Self.scope),
        ].map { "\($0.0)=\(Self.encoded($0.1))" }.joined(separator: "&")
        self.client = client
        self.timeout = timeout
    }

    struct Failure: Error, CustomStringConvertible {
        let description: String
    }

    /// A token good for at least five more minutes.
    func current() async throws -> String {
        if let cached = cached.withLock({ $0 }), ContinuousClock.now < cached.until { return cached.token }
        var request = HTTPClientRequest(url: url)
        request.method = .POST
        request.headers.add(name: "Content-Type", value: "application/x-www-form-urlencoded")
        request.body = .bytes(ByteBuffer(string: form))
        let response = try await client.execute(request, timeout: timeout)
        let body = try await response.body.collect(upTo: 1 << 16)
        guard response.status == .ok, let answer = try? JSONDecoder().decode(TokenAnswer.self, from: Data(body.readableBytesView)) else {
            throw Failure(description: "the token endpoint answered HTTP \(response.status.code)")
        }
        let lifetime = Duration.seconds(max(0, answer.expiresIn - 300))
        cached.withLock { $0 = (answer.accessToken, ContinuousClock.now + lifetime) }
        return answer.accessToken
    }

    /// Forgets the token (the connector refused it).
    func invalidate() { cached.withLock { $0 = nil } }

    private struct TokenAnswer: Decodable {
        var accessToken: String
        var expiresIn: Int

        enum CodingKeys: String, CodingKey {
            case accessToken = "access_token"
            case expiresIn = "expires_in"
        }
    }

    static func encoded(_ value: String) -> String {
        value.addingPercentEncoding(withAllowedCharacters: .alphanumerics.union(CharacterSet(charactersIn: "-._~"))) ?? value
    }
}
