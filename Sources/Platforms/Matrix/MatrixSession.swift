import AsyncHTTPClient
import Foundation
import IncidentKit
import NIOCore
import NIOHTTP1
import Synchronization

/// Firebell's connection to a Matrix homeserver (client-server API v3): login, `/sync` long-polling,
/// joining rooms, and sending. Holds the access token once logged in.
public final class MatrixSession: Sendable {
    /// How Firebell authenticates: a ready access token, or a password login.
    public enum Credentials: Sendable {
        case accessToken(String)
        case password(user: String, password: String)
    }

    public let homeserver: String
    private let credentials: Credentials
    private let client: HTTPClient
    private let timeout: TimeAmount
    private let state = Mutex<(token: String?, userID: String?)>((nil, nil))

    /// The device id Firebell logs in with every time, so transaction ids (and their deduplication) keep their scope.
    public static let deviceID = "FIREBELL"

    public init(homeserver: String, credentials: Credentials, client: HTTPClient, timeout: TimeAmount = .seconds(40)) {
        self.homeserver = homeserver.hasSuffix("/") ? String(homeserver.dropLast()) : homeserver
        self.credentials = credentials
        self.client = client
        self.timeout = timeout
        if case .accessToken(let token) = credentials { state.withLock { $0.token = token } }
    }

    /// The bot's own user id (`@firebell:example.org`), once known.
    public var userID: String? { state.withLock { $0.userID } }

    /// Logs in (or checks the token) and learns the bot's user id.
    public func connect() async throws {
        switch credentials {
        case .accessToken:
            let answer = try await send(.GET, "/_matrix/client/v3/account/whoami")
            guard answer.status == 200, let user = answer.json?["user_id"] as? String else { throw MatrixError(answer) }
            state.withLock { $0.userID = user }
        case .password(let user, let password):
            let answer = try await send(
                .POST,
                "/_matrix/client/v3/login",
                [
                    "type": "m.login.password", "identifier": ["type": "m.id.user", "user": user], "password": password,
                    "device_id": Self.deviceID, "initial_device_display_name": "Firebell",
                ],
                authenticated: false
            )
            guard answer.status == 200, let token = answer.json?["access_token"] as? String, let id = answer.json?["user_id"] as? String else {
                throw MatrixError(answer)
            }
            state.withLock { $0 = (token, id) }
        }
    }

    /// One long poll: everything after `since` (or a first snapshot), waiting up to `wait` for something new.
    public func sync(since: String?, wait: Duration) async throws -> MatrixSyncBatch {
        var query = "timeout=\(Int(wait / .milliseconds(1)))&filter=\(Self.filter)"
        if let since { query += "&since=\(Self.encoded(since))" }
        let answer = try await send(.GET, "/_matrix/client/v3/sync?\(query)")
        guard answer.status == 200, let json = answer.json else { throw MatrixError(answer) }
        return MatrixSyncBatch(json: json)
    }

    public func join(_ roomID: String) async throws {
        let answer = try await send(.POST, "/_matrix/client/v3/rooms/\(Self.encoded(roomID))/join", [:])
        guard answer.status == 200 else { throw MatrixError(answer) }
    }

    /// `PUT …/send/m.room.message/{txnId}`: a retry with the same transaction id is not posted twice.
    public func send(message content: [String: Any], to roomID: String, transactionID: String) async throws -> JSONClient.Answer {
        try await send(.PUT, "/_matrix/client/v3/rooms/\(Self.encoded(roomID))/send/m.room.message/\(Self.encoded(transactionID))", content)
    }

    func send(_ method: HTTPMethod, _ path: String, _ body: [String: Any]? = nil, authenticated: Bool = true) async throws -> JSONClient.Answer {
        var headers: [(String, String)] = []
        if authenticated {
            guard let token = state.withLock({ $0.token }) else { throw MatrixError(description: "not logged in yet") }
            headers.append(("Authorization", "Bearer \(token)"))
        }
        return try await JSONClient(client: client, timeout: timeout, headers: headers).send(method, homeserver + path, body)
    }

    /// Only room messages, no presence or typing: the bot reads commands and nothing else.
    static let filter = encoded(
        #"{"room":{"timeline":{"types":["m.room.message"],"limit":100},"state":{"types":[]},"ephemeral":{"types":[]},"account_data":{"types":[]}},"presence":{"types":[]},"account_data":{"types":[]}}"#
    )

    static func encoded(_ text: String) -> String {
        text.addingPercentEncoding(
            withAllowedCharacters: CharacterSet(charactersIn: "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-._~")
        ) ?? text
    }
}

/// A homeserver answer that was not what Firebell asked for.
public struct MatrixError: Error, CustomStringConvertible, Sendable {
    public let description: String

    init(description: String) { self.description = description }

    init(_ answer: JSONClient.Answer) {
        let json = answer.json
        description = "HTTP \(answer.status) \(json?["errcode"] as? String ?? ""): \(json?["error"] as? String ?? "")"
    }
}
