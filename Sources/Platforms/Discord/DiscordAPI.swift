import AsyncHTTPClient
import Foundation
import IncidentKit
import NIOCore

/// Posts through Discord's REST API with the bot token (create and edit channel messages; a thread reply is a
/// message reference), and answers deferred interactions through the interaction webhook.
package struct DiscordAPI: ChatDelivery {
    /// `https://discord.com/api/v10` unless pointed elsewhere (`DISCORD_API_URL`).
    package let baseURL: String
    package let applicationID: String
    let bot: JSONClient
    private let webhook: JSONClient

    package init(baseURL: String, applicationID: String, botToken: String, client: HTTPClient, timeout: TimeAmount = .seconds(10)) {
        self.baseURL = baseURL.hasSuffix("/") ? String(baseURL.dropLast()) : baseURL
        self.applicationID = applicationID
        let agent = ("User-Agent", "DiscordBot (https://github.com/firebell/firebell, 1.0)")
        bot = JSONClient(client: client, timeout: timeout, headers: [("Authorization", "Bot \(botToken)"), agent])
        // Interaction webhooks take no bot token.
        webhook = JSONClient(client: client, timeout: timeout, headers: [agent])
    }

    package func deliver(_ message: OutboundMessage) async -> DeliveryResult {
        var body = DiscordMessage(content: DiscordContent.fitted(message.text))
        do {
            let answer: JSONClient.Answer
            switch message.kind {
            case .edit:
                guard let id = message.replacing else { return .permanent("no headline message to edit") }
                answer = try await bot.send(.PATCH, "\(baseURL)/channels/\(message.channel.channel)/messages/\(id)", body)
            case .pagerDuty, .tracker:
                return .permanent("not a Discord message")
            case .warRoom(let request):
                return await warRoom(request, message)
            case .post, .reply:
                // Discord returns the message already created with this nonce (within a few minutes) instead of a new one.
                body.nonce = message.key
                body.enforceNonce = true
                if let user = message.replyRecipient {
                    body = DiscordMessage(content: DiscordContent.fitted("<@\(user.id)> " + message.text), of: body)
                }
                if let parent = message.threadParent { body.messageReference = .init(messageID: parent) }
                answer = try await bot.send(.POST, "\(baseURL)/channels/\(message.channel.channel)/messages", body)
            }
            return Self.pacing(JSONClient.classify(answer, reference: \.id, retryAfter: Self.retryAfter), by: answer)
        } catch {
            return .transient("\(error)")
        }
    }

    /// Replaces the "thinking…" of a deferred interaction with the answer.
    package func editOriginalResponse(token: String, text: String) async -> DeliveryResult {
        do {
            let answer = try await webhook.send(
                .PATCH,
                "\(baseURL)/webhooks/\(applicationID)/\(token)/messages/@original",
                DiscordMessage(content: DiscordContent.fitted(text), pinging: false)
            )
            return JSONClient.classify(answer, reference: \.id, retryAfter: Self.retryAfter)
        } catch {
            return .transient("\(error)")
        }
    }

    /// A delivered message whose answer says the bucket is empty (`X-RateLimit-Remaining: 0`) holds the channel's next
    /// message until the bucket refills (`X-RateLimit-Reset-After`, seconds, may be fractional).
    static func pacing(_ result: DeliveryResult, by answer: JSONClient.Answer) -> DeliveryResult {
        guard case .delivered(let reference, _) = result, answer.headers.first(name: "X-RateLimit-Remaining") == "0",
            let resetAfter = answer.headers.first(name: "X-RateLimit-Reset-After").flatMap(TimeInterval.init), resetAfter > 0
        else { return result }
        return .delivered(reference: reference, quietFor: resetAfter)
    }

    /// A 429's `retry_after` (seconds, may be fractional), else its `Retry-After` header.
    static func retryAfter(_ answer: JSONClient.Answer) -> TimeInterval {
        answer.decoded(RateLimited.self)?.retryAfter ?? answer.headers.first(name: "Retry-After").flatMap(TimeInterval.init) ?? 1
    }
}

/// A 429's body.
struct RateLimited: Decodable {
    var retryAfter: Double

    enum CodingKeys: String, CodingKey { case retryAfter = "retry_after" }
}

/// A message for `POST /channels/{id}/messages` (or an edit): its content, who it may ping, its nonce, its thread.
struct DiscordMessage: Encodable {
    struct Reference: Encodable {
        var messageID: String
        var failIfNotExists = false

        enum CodingKeys: String, CodingKey {
            case messageID = "message_id"
            case failIfNotExists = "fail_if_not_exists"
        }
    }

    var content: String
    var allowedMentions: DiscordAllowedMentions
    var nonce: String?
    var enforceNonce: Bool?
    var messageReference: Reference?

    /// Pings only the people Firebell itself mentions (`<@id>`: a page, a reminder, a reply) and, where Firebell wrote
    /// it, `@here`; user text is escaped and can ping nobody.
    init(content: String, pinging: Bool = true) {
        self.content = content
        allowedMentions = pinging ? Self.allowed(in: content) : DiscordAllowedMentions(parse: [])
    }

    /// The same message with other content (its mentions allowed anew).
    init(content: String, of other: DiscordMessage) {
        self = other
        self.content = content
        allowedMentions = Self.allowed(in: content)
    }

    static func allowed(in content: String) -> DiscordAllowedMentions {
        var users: [String] = []
        var rest = Substring(content)
        while let open = rest.range(of: "<@") {
            let after = rest[open.upperBound...].drop { $0 == "!" }
            let id = after.prefix { $0.isNumber }
            if !id.isEmpty, after.dropFirst(id.count).first == ">", !users.contains(String(id)) { users.append(String(id)) }
            rest = after
        }
        // Escaped user text cannot contain a bare `@here`: one in the content is Firebell's own (a reminder with no IC).
        let parse = content.contains("@here") || content.contains("@everyone") ? ["everyone"] : []
        return DiscordAllowedMentions(parse: parse, users: users.isEmpty ? nil : Array(users.prefix(100)))
    }

    enum CodingKeys: String, CodingKey {
        case content, nonce
        case allowedMentions = "allowed_mentions"
        case enforceNonce = "enforce_nonce"
        case messageReference = "message_reference"
    }
}
