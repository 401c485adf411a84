import AsyncHTTPClient
import Foundation
import IncidentKit
import NIOCore
import NIOHTTP1

/// Posts to Slack's Web API (`chat.postMessage`) with the bot token, and classifies the answer.
package struct SlackWebAPI: ChatDelivery {
    /// Base URL ending in `/`, `https://slack.com/api/` unless pointed elsewhere (`SLACK_API_URL`).
    package let baseURL: String
    let token: String
    let client: HTTPClient
    let timeout: TimeAmount

    package init(baseURL: String, token: String, client: HTTPClient, timeout: TimeAmount = .seconds(10)) {
        self.baseURL = baseURL.hasSuffix("/") ? baseURL : baseURL + "/"
        self.token = token
        self.client = client
        self.timeout = timeout
    }

    /// Slack error codes that no retry will fix.
    package static let permanentErrors: Set<String> = [
        "channel_not_found", "not_in_channel", "is_archived", "invalid_auth", "not_authed", "account_inactive",
        "token_revoked", "token_expired", "missing_scope", "no_permission", "msg_too_long", "no_text",
        "invalid_blocks", "restricted_action", "team_access_not_granted", "invalid_arguments", "user_not_in_channel",
        "message_not_found", "cant_update_message", "edit_window_closed",
    ]

    private static let encoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return encoder
    }()

    /// The metadata type Firebell's posts carry; its payload's `effect` is the effect's key.
    package static let metadataEventType = "firebell_effect"

    package func deliver(_ message: OutboundMessage) async -> DeliveryResult {
        let blocks = SlackBlocks.blocks(text: message.text, actionsFor: message.offersActions ? message.incident : nil)
        let text = SlackSectionSplitter.sections(message.text, limit: Self.fallbackTextLimit)[0]
        switch message.kind {
        case .edit:
            guard let ts = message.replacing else { return .permanent("message_not_found") }
            // The edit replaces every block: a resolved headline loses its buttons. Edits are idempotent.
            return await call("chat.update", SlackMessageEdit(channel: message.channel.channel, ts: ts, text: text, blocks: blocks))
        case .reply(let user):
            return await call("chat.postEphemeral", SlackEphemeralMessage(channel: message.channel.channel, user: user.id, text: message.text))
        case .pagerDuty, .tracker:
            return .permanent("not a Slack message")
        case .warRoom(let request):
            return await warRoom(request, message)
        case .post:
            if message.mayHaveBeenSent {
                switch await find(message) {
                case .found(let ts): return .delivered(reference: ts)
                case .notFound: break
                case .unknown(let reason): return .transient("could not check whether an earlier attempt arrived: \(reason)")
                }
            }
            let post = SlackPostMessage(
                channel: message.channel.channel,
                text: text,
                blocks: blocks,
                threadTS: message.threadParent,
                metadata: SlackMessageMetadata(eventType: Self.metadataEventType, eventPayload: .init(effect: message.key))
            )
            return await call("chat.postMessage", post)
        }
    }

    /// Slack cuts a message's top-level `text` (the notification and fallback text) after 40,000 characters;
    /// the blocks carry the whole message.
    static let fallbackTextLimit = 40000

    enum Lookup: Equatable {
        case found(String)
        case notFound
        case unknown(String)
    }

    /// Looks for a post carrying the message's key in the conversation since it was planned: the channel's history,
    /// or the thread's replies. Without the history scope (or in a direct message, which has no channel id yet)
    /// nothing can be checked, and the message is posted again (at least once).
    func find(_ message: OutboundMessage) async -> Lookup {
        let oldest = String(format: "%.6f", message.plannedAt.timeIntervalSince1970 - 60)
        var query = ["channel": message.channel.channel, "include_all_metadata": "true", "limit": "200", "oldest": oldest]
        let method: String
        if let parent = message.threadParent {
            method = "conversations.replies"
            query["ts"] = parent
        } else {
            method = "conversations.history"
        }
        // A busy channel (people keep talking while delivery is down) can hold more than one page since then.
        for _ in 0..<Self.lookupPages {
            let page: SlackHistory
            switch await read(SlackHistory.self, method, query) {
            case .success(let read): page = read
            case .failure(let reason): return .unknown(reason.description)
            }
            guard page.ok else {
                let error = page.error ?? "unknown_error"
                return Self.uncheckable.contains(error) ? .notFound : .unknown(error)
            }
            if let match = page.messages?.first(where: {
                $0.metadata?.eventType == Self.metadataEventType && $0.metadata?.eventPayload?.effect == message.key
            }) {
                return .found(match.ts)
            }
            guard page.hasMore == true, let cursor = page.responseMetadata?.nextCursor, !cursor.isEmpty else { return .notFound }
            query["cursor"] = cursor
        }
        return .unknown("more than \(Self.lookupPages) pages of history since the post was planned")
    }

    /// How many pages of 200 messages a look-up reads at most.
    static let lookupPages = 10

    struct LookupFailure: Error, CustomStringConvertible {
        let description: String
    }

    /// Calls a read method (`GET`) and decodes its answer.
    func read<Answer: Decodable>(_ type: Answer.Type, _ method: String, _ query: [String: String]) async -> Result<Answer, LookupFailure> {
        var request = HTTPClientRequest(
            url: baseURL + method + "?" + query.sorted { $0.key < $1.key }.map { "\($0.key)=\(Self.formEncoded($0.value))" }.joined(separator: "&")
        )
        request.method = .GET
        request.headers.add(name: "Authorization", value: "Bearer \(token)")
        do {
            let response = try await client.execute(request, timeout: timeout)
            guard response.status == .ok else { return .failure(LookupFailure(description: "HTTP \(response.status.code)")) }
            let bytes = try await response.body.collect(upTo: 4 << 20)
            return .success(try JSONDecoder().decode(Answer.self, from: Data(bytes.readableBytesView)))
        } catch {
            return .failure(LookupFailure(description: "\(error)"))
        }
    }

    /// Look-up errors that no retry fixes: post again rather than hold the channel's posts forever.
    static let uncheckable: Set<String> = ["missing_scope", "not_in_channel", "channel_not_found", "thread_not_found", "not_allowed_token_type"]

    static func formEncoded(_ value: String) -> String {
        value.addingPercentEncoding(withAllowedCharacters: .alphanumerics.union(CharacterSet(charactersIn: "-._~"))) ?? value
    }

    /// Answers the invoker through the slash command's `response_url`, which works even where the bot cannot post.
    package func noticeFailure(of message: OutboundMessage, reason: String) async {
        guard let url = message.failureNoticeURL else { return }
        let hint =
            ["not_in_channel": " Invite the bot with /invite @firebell.", "channel_not_found": " Invite the bot to this channel."][reason] ?? ""
        await respond(to: url, text: "✗ Firebell recorded your command but could not post to this channel (\(reason)).\(hint)")
    }

    /// Answers the invoker of a shortcut privately through its `response_url`.
    package func respond(to url: String, text: String) async {
        var request = HTTPClientRequest(url: url)
        request.method = .POST
        request.headers.add(name: "Content-Type", value: "application/json; charset=utf-8")
        request.body = .bytes(ByteBuffer(bytes: (try? JSONEncoder().encode(SlackResponseMessage(text: text))) ?? Data()))
        _ = try? await client.execute(request, timeout: timeout)
    }

    /// Opens the "Post update" modal; must happen within 3 s of the click that gave `triggerID`.
    package func openUpdateModal(triggerID: String, incident: String, metadata: String) async -> DeliveryResult {
        await call("views.open", SlackViewsOpen(triggerID: triggerID, view: SlackBlocks.updateModalView(incident: incident, metadata: metadata)))
    }

    /// Calls a write method: delivered with the `ts` it answers, or why not.
    func call(_ method: String, _ body: some Encodable) async -> DeliveryResult {
        let answer: SlackAPIAnswer
        switch await post(SlackAPIAnswer.self, method, body) {
        case .failure(let failure): return failure.result
        case .success(let read): answer = read
        }
        if answer.ok { return .delivered(reference: answer.ts) }
        let error = answer.error ?? "unknown_error"
        if error == "ratelimited" || error == "rate_limited" { return .retryAfter(1) }
        return Self.permanentErrors.contains(error) ? .permanent(error) : .transient(error)
    }

    /// Calls a write method and decodes its answer; a 429, a 5xx, a timeout or an answer that is not JSON comes back
    /// as the delivery result it means.
    func post<Answer: Decodable>(_ type: Answer.Type, _ method: String, _ body: some Encodable) async -> Result<Answer, DeliveryFailure> {
        var request = HTTPClientRequest(url: baseURL + method)
        request.method = .POST
        request.headers.add(name: "Authorization", value: "Bearer \(token)")
        request.headers.add(name: "Content-Type", value: "application/json; charset=utf-8")
        do {
            request.body = .bytes(ByteBuffer(bytes: try Self.encoder.encode(body)))
            let response = try await client.execute(request, timeout: timeout)
            if response.status == .tooManyRequests {
                let seconds = response.headers.first(name: "Retry-After").flatMap(TimeInterval.init) ?? 1
                return .failure(DeliveryFailure(result: .retryAfter(max(0, seconds))))
            }
            guard response.status.code < 500 else { return .failure(DeliveryFailure(result: .transient("HTTP \(response.status.code)"))) }
            let bytes = try await response.body.collect(upTo: 1 << 20)
            guard let answer = try? JSONDecoder().decode(Answer.self, from: Data(bytes.readableBytesView)) else {
                return .failure(DeliveryFailure(result: .transient("HTTP \(response.status.code) without a JSON answer")))
            }
            return .success(answer)
        } catch {
            return .failure(DeliveryFailure(result: .transient("\(error)")))
        }
    }
}

/// A delivery result standing for a call that did not come back with an answer to read.
struct DeliveryFailure: Error {
    let result: DeliveryResult
}

/// The part of a `conversations.history` / `conversations.replies` answer a look-up reads.
struct SlackHistory: Decodable {
    struct Message: Decodable {
        let ts: String
        let metadata: Metadata?
    }

    struct Metadata: Decodable {
        let eventType: String?
        let eventPayload: Payload?

        enum CodingKeys: String, CodingKey {
            case eventType = "event_type"
            case eventPayload = "event_payload"
        }
    }

    struct Payload: Decodable {
        let effect: String?
    }

    struct ResponseMetadata: Decodable {
        let nextCursor: String?

        enum CodingKeys: String, CodingKey { case nextCursor = "next_cursor" }
    }

    let ok: Bool
    let error: String?
    let messages: [Message]?
    let hasMore: Bool?
    let responseMetadata: ResponseMetadata?

    enum CodingKeys: String, CodingKey {
        case ok, error, messages
        case hasMore = "has_more"
        case responseMetadata = "response_metadata"
    }
}
