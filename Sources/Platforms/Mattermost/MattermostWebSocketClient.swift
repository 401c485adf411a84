import AsyncHTTPClient
import Foundation
import HummingbirdWSClient
import Logging
import NIOCore
import ServiceLifecycle
import Synchronization

/// Keeps a connection to Mattermost's WebSocket API (`/api/v4/websocket`, `authentication_challenge` with the bot
/// token), so that `/incident …` typed as a message and `@firebell …` mentions work without a slash command, and
/// reactions reach the timeline. Reconnects with backoff; a post seen twice (after a reconnect) runs once.
package struct MattermostWebSocketClient: Service {
    package let baseURL: String
    private let botToken: String
    private let httpClient: HTTPClient
    private let logger: Logger
    package var initialBackoff: Duration = .seconds(1)
    package var maxBackoff: Duration = .seconds(30)
    private let handle: @Sendable (MattermostWebSocketEvent) async -> Void
    private let react: @Sendable (MattermostReactionEvent) async -> Void
    private let seen = RecentIDs(capacity: 10_000)

    package init(
        baseURL: String,
        botToken: String,
        httpClient: HTTPClient,
        logger: Logger,
        react: @escaping @Sendable (MattermostReactionEvent) async -> Void = { _ in },
        handle: @escaping @Sendable (MattermostWebSocketEvent) async -> Void
    ) {
        self.baseURL = baseURL.hasSuffix("/") ? String(baseURL.dropLast()) : baseURL
        self.botToken = botToken
        self.httpClient = httpClient
        self.logger = logger
        self.handle = handle
        self.react = react
    }

    /// Connects and reconnects until the calling task is cancelled.
    package func run() async {
        await Reconnecting.run(initial: initialBackoff, maximum: maxBackoff, logger: logger, name: "Mattermost WebSocket") {
            let (userID, name) = try await whoAmI()
            return try await session(botUserID: userID, botName: name)
        }
    }

    /// The bot's own user id and name (`GET /api/v4/users/me`), to ignore its posts and know its mention.
    func whoAmI() async throws -> (String, String) {
        let answer = try await JSONClient(client: httpClient, timeout: .seconds(10), headers: [("Authorization", "Bearer \(botToken)")])
            .send(.GET, baseURL + "/api/v4/users/me")
        guard answer.status == 200, let me = answer.decoded(MattermostUser.self) else {
            throw MattermostWebSocketError(description: "GET /api/v4/users/me answered \(answer.status)")
        }
        return (me.id, me.username)
    }

    /// One connection until it drops. Returns whether the server said `hello`.
    private func session(botUserID: String, botName: String) async throws -> Bool {
        let greeted = Mutex(false)
        let url = (baseURL.hasPrefix("https") ? "wss" + baseURL.dropFirst(5) : "ws" + baseURL.dropFirst(4)) + "/api/v4/websocket"
        try await WebSocketClient.connect(url: url, logger: logger) { inbound, outbound, _ in
            try await outbound.write(.text(MattermostWebSocketEvent.authenticationChallenge(token: botToken)))
            for try await message in inbound.messages(maxSize: 1 << 20) {
                guard case .text(let text) = message else { continue }
                if text.contains(#""event":"hello""#) { greeted.withLock { $0 = true } }
                if let reaction = MattermostReactionEvent(text: text) {
                    if reaction.userID != botUserID { await react(reaction) }
                    continue
                }
                guard let event = MattermostWebSocketEvent(text: text, botUserID: botUserID, botName: botName), seen.insert(event.postID) else {
                    continue
                }
                await handle(event)
            }
        }
        return greeted.withLock { $0 }
    }
}

/// Why the Mattermost WebSocket could not be used.
package struct MattermostWebSocketError: Error, CustomStringConvertible, Sendable {
    package let description: String
}

/// `GET /api/v4/users/me`: the bot's own id and name.
struct MattermostUser: Decodable {
    var id: String
    var username: String
}
