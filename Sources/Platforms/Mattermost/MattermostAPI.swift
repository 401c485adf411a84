import AsyncHTTPClient
import Foundation
import IncidentKit
import NIOCore
import Synchronization

/// Posts through Mattermost's REST API v4 with a bot access token: `POST /api/v4/posts` (threads by
/// `root_id`), edits with `PUT /api/v4/posts/{id}/patch`, ephemeral replies with `POST /api/v4/posts/ephemeral`.
package final class MattermostAPI: ChatDelivery {
    /// The server's base URL, without a trailing `/`.
    package let baseURL: String
    let http: JSONClient
    /// User ids by user name, for ephemeral replies (Firebell knows people by name; the API wants ids).
    private let userIDs = Mutex<[String: String]>([:])

    package init(baseURL: String, botToken: String, client: HTTPClient, timeout: TimeAmount = .seconds(10)) {
        self.baseURL = baseURL.hasSuffix("/") ? String(baseURL.dropLast()) : baseURL
        http = JSONClient(client: client, timeout: timeout, headers: [("Authorization", "Bearer \(botToken)")])
    }

    /// The post property that carries the effect's key, so an earlier attempt can be recognised.
    package static let effectProperty = "firebell_effect"

    package func deliver(_ message: OutboundMessage) async -> DeliveryResult {
        do {
            let answer: JSONClient.Answer
            switch message.kind {
            case .edit:
                guard let id = message.replacing else { return .permanent("no headline post to edit") }
                answer = try await http.send(.PUT, "\(baseURL)/api/v4/posts/\(id)/patch", MattermostPostPatch(message: message.text))
            case .reply(let user):
                guard let userID = try await userID(of: user) else { return .permanent("no Mattermost user named \(user.id)") }
                answer = try await http.send(
                    .POST,
                    "\(baseURL)/api/v4/posts/ephemeral",
                    MattermostEphemeralPost(userID: userID, post: MattermostPost(channelID: message.channel.channel, message: message.text))
                )
            case .pagerDuty, .tracker:
                return .permanent("not a Mattermost message")
            case .warRoom(let request):
                return await warRoom(request, message)
            case .post:
                if message.mayHaveBeenSent, let earlier = try await find(message) { return .delivered(reference: earlier) }
                let post = MattermostPost(
                    channelID: message.channel.channel,
                    message: message.text,
                    rootID: message.threadParent,
                    props: [Self.effectProperty: message.key]
                )
                answer = try await http.send(.POST, "\(baseURL)/api/v4/posts", post)
            }
            return JSONClient.classify(answer, reference: \.id, retryAfter: Self.retryAfter)
        } catch {
            return .transient("\(error)")
        }
    }

    /// The id of a post in the channel, made since the message was planned, that carries its key (thread replies
    /// are among a channel's posts). Throws when the channel cannot be read, so the post waits instead of doubling.
    func find(_ message: OutboundMessage) async throws -> String? {
        let since = Int64((message.plannedAt.timeIntervalSince1970 - 60) * 1000)
        let answer = try await http.send(.GET, "\(baseURL)/api/v4/channels/\(message.channel.channel)/posts?since=\(since)")
        guard answer.status == 200 else { throw LookupFailed(status: answer.status) }
        let page = try JSONDecoder().decode(MattermostPostList.self, from: answer.body)
        return page.posts.values.first { $0.props?[Self.effectProperty] == message.key }?.id
    }

    struct LookupFailed: Error {
        let status: Int
    }

    /// Tells the invoker through the command's `response_url` that a post could not be made.
    package func noticeFailure(of message: OutboundMessage, reason: String) async {
        guard let url = message.failureNoticeURL else { return }
        _ = try? await http.send(
            .POST,
            url,
            MattermostCommandAnswer(
                text: "✗ Firebell recorded your command but could not post to this channel (\(reason)). Add the bot to the channel."
            )
        )
    }

    /// Mattermost's `X-Ratelimit-Reset` is the number of seconds until the limit resets.
    static func retryAfter(_ answer: JSONClient.Answer) -> TimeInterval {
        answer.headers.first(name: "X-Ratelimit-Reset").flatMap(TimeInterval.init) ?? answer.headers.first(name: "Retry-After").flatMap(
            TimeInterval.init
        ) ?? 1
    }

    func userID(of user: UserRef) async throws -> String? {
        if let known = userIDs.withLock({ $0[user.id] }) { return known }
        let name = user.id.addingPercentEncoding(withAllowedCharacters: .urlPathAllowed) ?? user.id
        let answer = try await http.send(.GET, "\(baseURL)/api/v4/users/username/\(name)")
        guard answer.status == 200, let id = answer.id else { return nil }
        userIDs.withLock { $0[user.id] = id }
        return id
    }
}

/// The part of `GET /api/v4/channels/{id}/posts` a look-up reads: posts by id, each with its props.
struct MattermostPostList: Decodable {
    struct Post: Decodable {
        let id: String
        let props: [String: String]?

        init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            id = try container.decode(String.self, forKey: .id)
            // Props hold values of any JSON type; only string ones can be Firebell's key.
            props = (try? container.decodeIfPresent([String: LossyString].self, forKey: .props))?.compactMapValues(\.value)
        }

        enum CodingKeys: String, CodingKey { case id, props }
    }

    let posts: [String: Post]
}

/// A JSON value read as a string when it is one.
struct LossyString: Decodable {
    let value: String?

    init(from decoder: any Decoder) throws {
        value = try? decoder.singleValueContainer().decode(String.self)
    }
}

/// A post for `POST /api/v4/posts`: a thread reply names its root; `props` carry the effect's key.
struct MattermostPost: Encodable {
    var channelID: String
    var message: String
    var rootID: String?
    var props: [String: String]?

    enum CodingKeys: String, CodingKey {
        case message, props
        case channelID = "channel_id"
        case rootID = "root_id"
    }
}

/// `POST /api/v4/posts/ephemeral`: a post only `user_id` sees.
struct MattermostEphemeralPost: Encodable {
    var userID: String
    var post: MattermostPost

    enum CodingKeys: String, CodingKey {
        case post
        case userID = "user_id"
    }
}

/// `PUT /api/v4/posts/{id}/patch`: the headline's new text.
struct MattermostPostPatch: Encodable {
    var message: String
}
