import AsyncHTTPClient
import Foundation
import IncidentKit
import NIOCore
import NIOHTTP1

/// Posts to Slack's Web API (`chat.postMessage`) with the bot token, and classifies the answer.
public struct SlackWebAPI: ChatDelivery {
    /// Base URL ending in `/`, `https://slack.com/api/` unless pointed elsewhere (`SLACK_API_URL`).
    public let baseURL: String
    private let token: String
    private let client: HTTPClient
    private let timeout: TimeAmount

    public init(baseURL: String, token: String, client: HTTPClient, timeout: TimeAmount = .seconds(10)) {
        self.baseURL = baseURL.hasSuffix("/") ? baseURL : baseURL + "/"
        self.token = token
        self.client = client
        self.timeout = timeout
    }

    /// Slack error codes that no retry will fix.
    public static let permanentErrors: Set<String> = [
        "channel_not_found", "not_in_channel", "is_archived", "invalid_auth", "not_authed", "account_inactive",
        "token_revoked", "token_expired", "missing_scope", "no_permission", "msg_too_long", "no_text",
        "invalid_blocks", "restricted_action", "team_access_not_granted", "invalid_arguments", "user_not_in_channel",
        "message_not_found", "cant_update_message", "edit_window_closed",
    ]

    public func deliver(_ message: OutboxMessage) async -> DeliveryResult {
        let blocks: [[String: Any]]? = (message.offersActions == true ? message.incident : nil).map { SlackBlocks.withActions(text: message.text, incident: $0) }
        if let ts = message.replacing {
            var body: [String: Any] = ["channel": message.channel.channel, "ts": ts, "text": message.text]
            // An edit without blocks keeps none: a resolved headline loses its buttons.
            body["blocks"] = blocks ?? []
            return await call("chat.update", body)
        }
        if let user = message.ephemeralUser {
            return await call("chat.postEphemeral", ["channel": message.channel.channel, "user": user.id, "text": message.text])
        }
        var body: [String: Any] = ["channel": message.channel.channel, "text": message.text, "unfurl_links": false, "unfurl_media": false]
        if let blocks { body["blocks"] = blocks }
        if let parent = message.threadParent { body["thread_ts"] = parent }
        return await call("chat.postMessage", body)
    }

    /// Answers the invoker through the slash command's `response_url`, which works even where the bot cannot post.
    public func noticeFailure(of message: OutboxMessage, reason: String) async {
        guard let url = message.failureNoticeURL else { return }
        let hint = ["not_in_channel": " Invite the bot with /invite @firebell.", "channel_not_found": " Invite the bot to this channel."][reason] ?? ""
        var request = HTTPClientRequest(url: url)
        request.method = .POST
        request.headers.add(name: "Content-Type", value: "application/json; charset=utf-8")
        let text = "✗ Firebell recorded your command but could not post to this channel (\(reason)).\(hint)"
        request.body = .bytes(ByteBuffer(bytes: (try? JSONSerialization.data(withJSONObject: ["response_type": "ephemeral", "text": text])) ?? Data()))
        _ = try? await client.execute(request, timeout: timeout)
    }

    /// Opens the "Post update" modal; must happen within 3 s of the click that gave `triggerID`.
    public func openUpdateModal(triggerID: String, incident: String, metadata: String) async -> DeliveryResult {
        await call("views.open", ["trigger_id": triggerID, "view": SlackBlocks.updateModalView(incident: incident, metadata: metadata)])
    }

    func call(_ method: String, _ body: [String: Any]) async -> DeliveryResult {
        var request = HTTPClientRequest(url: baseURL + method)
        request.method = .POST
        request.headers.add(name: "Authorization", value: "Bearer \(token)")
        request.headers.add(name: "Content-Type", value: "application/json; charset=utf-8")
        do {
            request.body = .bytes(ByteBuffer(bytes: try JSONSerialization.data(withJSONObject: body, options: [.sortedKeys])))
            let response = try await client.execute(request, timeout: timeout)
            if response.status == .tooManyRequests {
                let seconds = response.headers.first(name: "Retry-After").flatMap(TimeInterval.init) ?? 1
                return .retryAfter(max(0, seconds))
            }
            guard response.status.code < 500 else { return .transient("HTTP \(response.status.code)") }
            let bytes = try await response.body.collect(upTo: 1 << 20)
            guard let json = try? JSONSerialization.jsonObject(with: Data(bytes.readableBytesView)) as? [String: Any] else {
                return .transient("HTTP \(response.status.code) without a JSON answer")
            }
            if json["ok"] as? Bool == true { return .delivered(reference: json["ts"] as? String) }
            let error = json["error"] as? String ?? "unknown_error"
            if error == "ratelimited" || error == "rate_limited" { return .retryAfter(1) }
            return Self.permanentErrors.contains(error) ? .permanent(error) : .transient(error)
        } catch {
            return .transient("\(error)")
        }
    }
}
