import Foundation
import IncidentKit

/// Posts outbox messages to Matrix rooms as `m.notice` (HTML `formatted_body` with a plain `body`), edits the
/// headline with `m.replace`, threads reminders, and uses the effect's key as transaction id so a retry, even after a restart, never posts twice.
public struct MatrixDelivery: ChatDelivery {
    public let session: MatrixSession

    public init(session: MatrixSession) { self.session = session }

    public func deliver(_ message: OutboundMessage) async -> DeliveryResult {
        if case .pagerDuty = message.kind { return .permanent("not a Matrix message") }
        var html = message.text
        if let user = message.replyRecipient {
            // Matrix has no messages only one person sees: address the reply to them instead.
            html = "\(Self.escape(user.description)): \(html)"
        }
        let notice: [String: Any] = ["msgtype": "m.notice", "body": Self.plain(html), "format": "org.matrix.custom.html", "formatted_body": html]
        var content = notice
        if let replaced = message.replacing {
            content = [
                "msgtype": "m.notice", "body": "* " + Self.plain(html), "format": "org.matrix.custom.html", "formatted_body": "* " + html,
                "m.new_content": notice, "m.relates_to": ["rel_type": "m.replace", "event_id": replaced],
            ]
        } else if let parent = message.threadParent {
            content["m.relates_to"] = ["rel_type": "m.thread", "event_id": parent, "is_falling_back": true, "m.in_reply_to": ["event_id": parent]]
        }
        do {
            // The effect's key is the transaction id: the homeserver answers a retransmission with the first event.
            let answer = try await session.send(message: content, to: message.channel.channel, transactionID: message.key)
            if answer.status == 429 || answer.json?["errcode"] as? String == "M_LIMIT_EXCEEDED" {
                return .retryAfter(Double(answer.json?["retry_after_ms"] as? Int ?? 1000) / 1000)
            }
            return JSONClient.classify(answer, reference: { $0.json?["event_id"] as? String }, retryAfter: { _ in 1 })
        } catch {
            return .transient("\(error)")
        }
    }

    /// The plain `body` for an HTML message: tags dropped, entities read back.
    static func plain(_ html: String) -> String {
        var text = html.replacingOccurrences(of: "<br>\n", with: "\n").replacingOccurrences(of: "<br>", with: "\n")
        while let open = text.range(of: "<"), let close = text.range(of: ">", range: open.upperBound..<text.endIndex) {
            text.removeSubrange(open.lowerBound..<close.upperBound)
        }
        for (entity, character) in [("&lt;", "<"), ("&gt;", ">"), ("&quot;", "\""), ("&#39;", "'"), ("&amp;", "&")] {
            text = text.replacingOccurrences(of: entity, with: character)
        }
        return text
    }

    static func escape(_ text: String) -> String {
        text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;").replacingOccurrences(of: ">", with: "&gt;")
    }
}
