import AsyncHTTPClient
import Foundation
import IncidentKit
import NIOCore
import NIOHTTP1
import Synchronization

/// Firebell's connection to a Matrix homeserver (client-server API v3): login, `/sync` long-polling,
/// joining rooms, and sending. Holds the access token once logged in.
package final class MatrixSession: Sendable {
    /// How Firebell authenticates: a ready access token, or a password login.
    package enum Credentials: Sendable {
        case accessToken(String)
        case password(user: String, password: String)
    }

    package let homeserver: String
    private let credentials: Credentials
    private let client: HTTPClient
    private let timeout: TimeAmount
    private let state = Mutex<(token: String?, userID: String?)>((nil, nil))

    /// The device id Firebell logs in with every time, so transaction ids (and their deduplication) keep their scope.
    package static let deviceID = "FIREBELL"

    package init(homeserver: String, credentials: Credentials, client: HTTPClient, timeout: TimeAmount = .seconds(40)) {
        self.homeserver = homeserver.hasSuffix("/") ? String(homeserver.dropLast()) : homeserver
        self.credentials = credentials
        self.client = client
        self.timeout = timeout
        if case .accessToken(let token) = credentials { state.withLock { $0.token = token } }
    }

    /// The bot's own user id (`@firebell:example.org`), once known.
    package var userID: String? { state.withLock { $0.userID } }

    /// Logs in (or checks the token) and learns the bot's user id.
    package func connect() async throws {
        switch credentials {
        case .accessToken:
            let answer = try await send(.GET, "/_matrix/client/v3/account/whoami")
            guard answer.status == 200, let user = answer.decoded(MatrixLogin.self)?.userID else { throw MatrixError(answer) }
            state.withLock { $0.userID = user }
        case .password(let user, let password):
            let answer = try await send(
                .POST,
                "/_matrix/client/v3/login",
                MatrixPasswordLogin(identifier: .init(user: user), password: password, deviceID: Self.deviceID),
                authenticated: false
            )
            guard answer.status == 200, let login = answer.decoded(MatrixLogin.self), let token = login.accessToken, let id = login.userID else {
                throw MatrixError(answer)
            }
            state.withLock { $0 = (token, id) }
        }
    }

    /// One long poll: everything after `since` (or a first snapshot), waiting up to `wait` for something new.
    package func sync(since: String?, wait: Duration) async throws -> MatrixSyncBatch {
        var query = "timeout=\(Int(wait / .milliseconds(1)))&filter=\(Self.filter)"
        if let since { query += "&since=\(Self.encoded(since))" }
        let answer = try await send(.GET, "/_matrix/client/v3/sync?\(query)")
        guard answer.status == 200, let batch = MatrixSyncBatch(json: answer.body) else { throw MatrixError(answer) }
        return batch
    }

    /// The display name a person set (`GET /profile/{userId}/displayname`), or nil when they have none or it cannot be read.
    package func displayName(of userID: String) async -> String? {
        guard let answer = try? await send(.GET, "/_matrix/client/v3/profile/\(Self.encoded(userID))/displayname"), answer.status == 200 else {
            return nil
        }
        return answer.decoded(MatrixDisplayName.self)?.displayname
    }

    package func join(_ roomID: String) async throws {
        let answer = try await send(.POST, "/_matrix/client/v3/rooms/\(Self.encoded(roomID))/join", [String: String]())
        guard answer.status == 200 else { throw MatrixError(answer) }
    }

    /// `PUT …/send/m.room.message/{txnId}`: a retry with the same transaction id is not posted twice.
    package func send(message content: MatrixMessageContent, to roomID: String, transactionID: String) async throws -> JSONClient.Answer {
        try await send(.PUT, "/_matrix/client/v3/rooms/\(Self.encoded(roomID))/send/m.room.message/\(Self.encoded(transactionID))", content)
    }

    func send(_ method: HTTPMethod, _ path: String, authenticated: Bool = true) async throws -> JSONClient.Answer {
        try await JSONClient(client: client, timeout: timeout, headers: try headers(authenticated)).send(method, homeserver + path)
    }

    func send(_ method: HTTPMethod, _ path: String, _ body: some Encodable, authenticated: Bool = true) async throws -> JSONClient.Answer {
        try await JSONClient(client: client, timeout: timeout, headers: try headers(authenticated)).send(method, homeserver + path, body)
    }

    private func headers(_ authenticated: Bool) throws -> [(String, String)] {
        guard authenticated else { return [] }
        guard let token = state.withLock({ $0.token }) else { throw MatrixError(description: "not logged in yet") }
        return [("Authorization", "Bearer \(token)")]
    }

    /// One event of a room (`GET /rooms/{roomId}/event/{eventId}`): a message a reaction pinned.
    func event(_ eventID: String, in roomID: String) async throws -> MatrixSyncBatch.Sync.Event {
        let answer = try await send(.GET, "/_matrix/client/v3/rooms/\(Self.encoded(roomID))/event/\(Self.encoded(eventID))")
        guard answer.status == 200, let event = answer.decoded(MatrixSyncBatch.Sync.Event.self) else { throw MatrixError(answer) }
        return event
    }

    /// Room messages, reactions and redactions, no presence or typing: the bot reads commands and pins, nothing else.
    static let filter = encoded(
        #"{"room":{"timeline":{"types":["m.room.message","m.reaction","m.room.redaction"],"limit":100},"state":{"types":[]},"ephemeral":{"types":[]},"account_data":{"types":[]}},"presence":{"types":[]},"account_data":{"types":[]}}"#
    )

    static func encoded(_ text: String) -> String {
        text.addingPercentEncoding(
            withAllowedCharacters: CharacterSet(charactersIn: "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-._~")
        ) ?? text
    }
}

/// A homeserver answer that was not what Firebell asked for.
package struct MatrixError: Error, CustomStringConvertible, Sendable {
    package let description: String

    init(description: String) { self.description = description }

    init(_ answer: JSONClient.Answer) {
        let error = answer.decoded(MatrixErrorBody.self)
        description = "HTTP \(answer.status) \(error?.errcode ?? ""): \(error?.error ?? "")"
    }
}

/// `GET /profile/{userId}/displayname`'s answer.
struct MatrixDisplayName: Decodable {
    var displayname: String?
}

/// A homeserver's error body.
struct MatrixErrorBody: Decodable {
    var errcode: String?
    var error: String?
    var retryAfterMS: Int?

    enum CodingKeys: String, CodingKey {
        case errcode, error
        case retryAfterMS = "retry_after_ms"
    }
}

/// `POST /login` with a password, always as device `FIREBELL`.
struct MatrixPasswordLogin: Encodable {
    struct Identifier: Encodable {
        var type = "m.id.user"
        var user: String
    }
    var type = "m.login.password"
    var identifier: Identifier
    var password: String
    var deviceID: String
    var initialDeviceDisplayName = "Firebell"

    enum CodingKeys: String, CodingKey {
        case type, identifier, password
        case deviceID = "device_id"
        case initialDeviceDisplayName = "initial_device_display_name"
    }
}

/// What `/login` and `/account/whoami` answer.
struct MatrixLogin: Decodable {
    var userID: String?
    var accessToken: String?

    enum CodingKeys: String, CodingKey {
        case userID = "user_id"
        case accessToken = "access_token"
    }
}
