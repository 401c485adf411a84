import AsyncHTTPClient
import Foundation
import IncidentKit
import NIOCore
import Synchronization

/// Posts through Mattermost's REST API v4 with a bot access token: `POST /api/v4/posts` (threads by
/// `root_id`), edits with `PUT /api/v4/posts/{id}/patch`, ephemeral replies with `POST /api/v4/posts/ephemeral`.
public final class MattermostAPI: ChatDelivery {
    /// The server's base URL, without a trailing `/`.
    public let baseURL: String
    private let http: JSONClient
    /// User ids by user name, for ephemeral replies (Firebell knows people by name; the API wants ids).
    private let userIDs = Mutex<[String: String]>([:])

    public init(baseURL: String, botToken: String, client: HTTPClient, timeout: TimeAmount = .seconds(10)) {
        self.baseURL = baseURL.hasSuffix("/") ? String(baseURL.dropLast()) : baseURL
        http = JSONClient(client: client, timeout: timeout, headers: [("Authorization", "Bearer \(botToken)")])
    }

    public func deliver(_ message: OutboxMessage) async -> DeliveryResult {
        do {
            let answer: JSONClient.Answer
            if let id = message.replacing {
                answer = try await http.send(.PUT, "\(baseURL)/api/v4/posts/\(id)/patch", ["message": message.text])
            } else if let user = message.ephemeralUser {
                guard let userID = try await userID(of: user) else { return .permanent("no Mattermost user named \(user.id)") }
                answer = try await http.send(.POST, "\(baseURL)/api/v4/posts/ephemeral",
                                             ["user_id": userID, "post": ["channel_id": message.channel.channel, "message": message.text]])
            } else {
                var post: [String: Any] = ["channel_id": message.channel.channel, "message": message.text]
                if let parent = message.threadParent { post["root_id"] = parent }
                answer = try await http.send(.POST, "\(baseURL)/api/v4/posts", post)
            }
            return JSONClient.classify(answer, reference: { $0.json?["id"] as? String }, retryAfter: Self.retryAfter)
        } catch {
            return .transient("\(error)")
        }
    }

    /// Tells the invoker through the command's `response_url` that a post could not be made.
    public func noticeFailure(of message: OutboxMessage, reason: String) async {
        guard let url = message.failureNoticeURL else { return }
        _ = try? await http.send(.POST, url, ["response_type": "ephemeral",
                                              "text": "✗ Firebell recorded your command but could not post to this channel (\(reason)). Add the bot to the channel."])
    }

    /// Mattermost's `X-Ratelimit-Reset` is the number of seconds until the limit resets.
    static func retryAfter(_ answer: JSONClient.Answer) -> TimeInterval {
        answer.headers.first(name: "X-Ratelimit-Reset").flatMap(TimeInterval.init) ?? answer.headers.first(name: "Retry-After").flatMap(TimeInterval.init) ?? 1
    }

    private func userID(of user: UserRef) async throws -> String? {
        if let known = userIDs.withLock({ $0[user.id] }) { return known }
        let name = user.id.addingPercentEncoding(withAllowedCharacters: .urlPathAllowed) ?? user.id
        let answer = try await http.send(.GET, "\(baseURL)/api/v4/users/username/\(name)")
        guard answer.status == 200, let id = answer.json?["id"] as? String else { return nil }
        userIDs.withLock { $0[user.id] = id }
        return id
    }
}
