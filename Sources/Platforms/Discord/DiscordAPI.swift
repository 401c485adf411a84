import AsyncHTTPClient
import Foundation
import IncidentKit
import NIOCore

/// Posts through Discord's REST API with the bot token (create and edit channel messages; a thread reply is a
/// message reference), and answers deferred interactions through the interaction webhook.
public struct DiscordAPI: ChatDelivery {
    /// `https://discord.com/api/v10` unless pointed elsewhere (`DISCORD_API_URL`).
    public let baseURL: String
    public let applicationID: String
    private let bot: JSONClient
    private let webhook: JSONClient

    public init(baseURL: String, applicationID: String, botToken: String, client: HTTPClient, timeout: TimeAmount = .seconds(10)) {
        self.baseURL = baseURL.hasSuffix("/") ? String(baseURL.dropLast()) : baseURL
        self.applicationID = applicationID
        let agent = ("User-Agent", "DiscordBot (https://github.com/firebell/firebell, 1.0)")
        bot = JSONClient(client: client, timeout: timeout, headers: [("Authorization", "Bot \(botToken)"), agent])
        // Interaction webhooks take no bot token.
        webhook = JSONClient(client: client, timeout: timeout, headers: [agent])
    }

    public func deliver(_ message: OutboundMessage) async -> DeliveryResult {
        // Only the people Firebell itself mentions (pages, reminders) are pinged; user text is escaped and cannot.
        var body: [String: Any] = ["content": DiscordContent.fitted(message.text), "allowed_mentions": ["parse": ["users", "everyone"]]]
        do {
            let answer: JSONClient.Answer
            switch message.kind {
            case .edit:
                guard let id = message.replacing else { return .permanent("no headline message to edit") }
                answer = try await bot.send(.PATCH, "\(baseURL)/channels/\(message.channel.channel)/messages/\(id)", body)
            case .pagerDuty:
                return .permanent("not a Discord message")
            case .post, .reply:
                // Discord returns the message already created with this nonce (within a few minutes) instead of a new one.
                body["nonce"] = message.key
                body["enforce_nonce"] = true
                if let user = message.replyRecipient { body["content"] = DiscordContent.fitted("<@\(user.id)> " + message.text) }
                if let parent = message.threadParent { body["message_reference"] = ["message_id": parent, "fail_if_not_exists": false] }
                answer = try await bot.send(.POST, "\(baseURL)/channels/\(message.channel.channel)/messages", body)
            }
            return Self.pacing(JSONClient.classify(answer, reference: { $0.json?["id"] as? String }, retryAfter: Self.retryAfter), by: answer)
        } catch {
            return .transient("\(error)")
        }
    }

    /// Replaces the "thinking…" of a deferred interaction with the answer.
    public func editOriginalResponse(token: String, text: String) async -> DeliveryResult {
        do {
            let answer = try await webhook.send(
                .PATCH,
                "\(baseURL)/webhooks/\(applicationID)/\(token)/messages/@original",
                ["content": DiscordContent.fitted(text), "allowed_mentions": ["parse": [String]()]]
            )
            return JSONClient.classify(answer, reference: { $0.json?["id"] as? String }, retryAfter: Self.retryAfter)
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
        (answer.json?["retry_after"] as? Double) ?? answer.headers.first(name: "Retry-After").flatMap(TimeInterval.init) ?? 1
    }
}
