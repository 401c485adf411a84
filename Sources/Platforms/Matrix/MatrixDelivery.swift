import Foundation
import IncidentKit

/// Posts outbox messages to Matrix rooms as `m.notice` (HTML `formatted_body` with a plain `body`), edits the
/// headline with `m.replace`, threads reminders, and uses the effect's key as transaction id so a retry, even after a restart, never posts twice.
package struct MatrixDelivery: ChatDelivery {
    package let session: MatrixSession

    package init(session: MatrixSession) { self.session = session }

    package func deliver(_ message: OutboundMessage) async -> DeliveryResult {
        switch message.kind {
        case .pagerDuty, .tracker: return .permanent("not a Matrix message")
        case .warRoom(let request): return await warRoom(request, message)
        default: break
        }
        var html = message.text
        if let user = message.replyRecipient {
            // Matrix has no messages only one person sees: address the reply to them instead.
            html = "\(Self.escape(user.description)): \(html)"
        }
        let notice = MatrixMessageContent(body: HTMLText.plain(html), formattedBody: html)
        var content = notice
        if let replaced = message.replacing {
            content = MatrixMessageContent(body: "* " + HTMLText.plain(html), formattedBody: "* " + html)
            content.newContent = MatrixMessageContent.Replacement(notice)
            content.relatesTo = MatrixMessageContent.Relation(relType: "m.replace", eventID: replaced)
        } else if let parent = message.threadParent {
            content.relatesTo = MatrixMessageContent.Relation(
                relType: "m.thread",
                eventID: parent,
                isFallingBack: true,
                inReplyTo: .init(eventID: parent)
            )
        }
        do {
            // The effect's key is the transaction id: the homeserver answers a retransmission with the first event.
            let answer = try await session.send(message: content, to: message.channel.channel, transactionID: message.key)
            let error = answer.decoded(MatrixErrorBody.self)
            if answer.status == 429 || error?.errcode == "M_LIMIT_EXCEEDED" {
                return .retryAfter(Double(error?.retryAfterMS ?? 1000) / 1000)
            }
            return JSONClient.classify(answer, reference: { $0.decoded(MatrixSent.self)?.eventID }, retryAfter: { _ in 1 })
        } catch {
            return .transient("\(error)")
        }
    }

    static func escape(_ text: String) -> String {
        text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;").replacingOccurrences(of: ">", with: "&gt;")
    }
}

/// `PUT …/send/m.room.message/{txnId}`'s answer.
struct MatrixSent: Decodable {
    var eventID: String?

    enum CodingKeys: String, CodingKey { case eventID = "event_id" }
}

/// An `m.notice` with HTML, and for an edit or a thread reply its relation.
package struct MatrixMessageContent: Encodable, Sendable {
    /// The new content of an edit (`m.new_content`): the notice itself, without relations.
    package struct Replacement: Encodable, Sendable {
        var msgtype: String
        var body: String
        var format: String
        var formattedBody: String

        init(_ content: MatrixMessageContent) {
            msgtype = content.msgtype
            body = content.body
            format = content.format
            formattedBody = content.formattedBody
        }

        enum CodingKeys: String, CodingKey {
            case msgtype, body, format
            case formattedBody = "formatted_body"
        }
    }

    package struct Relation: Encodable, Sendable {
        package struct InReplyTo: Encodable, Sendable {
            var eventID: String

            enum CodingKeys: String, CodingKey { case eventID = "event_id" }
        }
        var relType: String
        var eventID: String
        var isFallingBack: Bool?
        var inReplyTo: InReplyTo?

        enum CodingKeys: String, CodingKey {
            case relType = "rel_type"
            case eventID = "event_id"
            case isFallingBack = "is_falling_back"
            case inReplyTo = "m.in_reply_to"
        }
    }

    var msgtype = "m.notice"
    var body: String
    var format = "org.matrix.custom.html"
    var formattedBody: String
    var newContent: Replacement?
    var relatesTo: Relation?

    init(body: String, formattedBody: String) {
        self.body = body
        self.formattedBody = formattedBody
    }

    enum CodingKeys: String, CodingKey {
        case msgtype, body, format
        case formattedBody = "formatted_body"
        case newContent = "m.new_content"
        case relatesTo = "m.relates_to"
    }
}
