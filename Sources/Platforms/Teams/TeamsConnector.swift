import AsyncHTTPClient
import Foundation
import IncidentKit
import NIOCore
import NIOHTTP1

/// Delivers to Teams through the Bot Connector API: posts to `{serviceUrl}/v3/conversations/{id}/activities` (a thread
/// reply goes to `{channel};messageid={headline}`), edits the headline with `PUT …/activities/{id}`, and sends only to
/// service URLs that an authenticated activity presented. Teams has no idempotency key and bots cannot read a
/// channel's history, so a post whose answer was lost is sent again: at least once.
package struct TeamsConnector: ChatDelivery {
    private let token: BotConnectorToken
    let serviceURLs: TeamsServiceURLs
    let people = TeamsPeople()
    private let client: HTTPClient
    private let timeout: TimeAmount

    init(token: BotConnectorToken, serviceURLs: TeamsServiceURLs, client: HTTPClient, timeout: TimeAmount) {
        self.token = token
        self.serviceURLs = serviceURLs
        self.client = client
        self.timeout = timeout
    }

    package func deliver(_ message: OutboundMessage) async -> DeliveryResult {
        let conversation = message.channel.channel
        guard let serviceURL = serviceURLs.url(for: conversation) else {
            return .permanent(
                "no authenticated activity has come from this conversation yet, so its service URL is unknown; mention @Firebell there once"
            )
        }
        let base = (serviceURL.hasSuffix("/") ? serviceURL : serviceURL + "/") + "v3/conversations/"
        let method: HTTPMethod
        let url: String
        var activity = TeamsOutgoingActivity(text: message.text, replyingTo: message.replyRecipient, names: people)
        switch message.kind {
        case .pagerDuty, .tracker, .warRoom:
            return .permanent("not a Teams message")
        case .edit:
            guard let id = message.replacing else { return .permanent("no headline to edit") }
            method = .PUT
            url = base + Self.segment(conversation) + "/activities/" + Self.segment(id)
            activity = TeamsOutgoingActivity(card: TeamsCard(text: message.text, actionsFor: message.offersActions ? message.incident : nil))
        case .post(let placement):
            method = .POST
            let target = placement == .thread ? message.threadParent.map { "\(conversation);messageid=\($0)" } ?? conversation : conversation
            url = base + Self.segment(target) + "/activities"
            if placement == .headline || message.offersActions {
                activity = TeamsOutgoingActivity(card: TeamsCard(text: message.text, actionsFor: message.offersActions ? message.incident : nil))
            }
        case .reply:
            method = .POST
            url = base + Self.segment(conversation) + "/activities"
        }
        do {
            var request = HTTPClientRequest(url: url)
            request.method = method
            request.headers.add(name: "Authorization", value: "Bearer \(try await token.current())")
            request.headers.add(name: "Content-Type", value: "application/json; charset=utf-8")
            request.body = .bytes(ByteBuffer(bytes: try JSONEncoder().encode(activity)))
            let response = try await client.execute(request, timeout: timeout)
            let body = try await response.body.collect(upTo: 1 << 16)
            switch response.status.code {
            case 200..<300:
                let id = (try? JSONDecoder().decode(ResourceResponse.self, from: Data(body.readableBytesView)))?.id
                return .delivered(reference: message.kind == .edit ? message.replacing : id)
            case 429:
                return .retryAfter(response.headers.first(name: "Retry-After").flatMap(TimeInterval.init) ?? 1)
            // Teams' table of retryable codes: concurrent operations on the conversation, and the gateway's 502–504.
            case 412, 502, 503, 504:
                return .transient("HTTP \(response.status.code)")
            case 401:
                token.invalidate()
                return .permanent("HTTP 401: the bot is not registered or its token was refused")
            default:
                return .permanent("HTTP \(response.status.code): \(String(decoding: body.readableBytesView.prefix(200), as: UTF8.self))")
            }
        } catch {
            return .transient("\(error)")
        }
    }

    /// A conversation or activity id as one path segment.
    static func segment(_ id: String) -> String {
        id.addingPercentEncoding(withAllowedCharacters: .alphanumerics.union(CharacterSet(charactersIn: "-._~:@;="))) ?? id
    }

    private struct ResourceResponse: Decodable {
        var id: String?
    }
}

/// A message activity Firebell sends: Teams-markup text with its mentions as entities, or a card.
struct TeamsOutgoingActivity: Encodable, Equatable {
    struct Mention: Encodable, Equatable {
        struct Mentioned: Encodable, Equatable {
            var id: String
            var name: String
        }
        let type = "mention"
        var mentioned: Mentioned
        var text: String
    }

    struct Attachment: Encodable, Equatable {
        let contentType = "application/vnd.microsoft.card.adaptive"
        var content: TeamsCard
    }

    let type = "message"
    var text: String?
    var textFormat: String?
    var entities: [Mention]?
    var attachments: [Attachment]?

    /// A text message; a reply to one person starts by mentioning them (Teams has no message only one person sees).
    /// Each `<at>id</at>` Firebell wrote becomes `<at>Name</at>` with a mention entity for the id.
    init(text: String, replyingTo person: UserRef? = nil, names: TeamsPeople? = nil) {
        let full = person.map { "<at>\(TeamsMarkup().escape($0.id))</at> \(text)" } ?? text
        let (named, mentions) = Self.mentions(in: full, names: names)
        self.text = named
        textFormat = "xml"
        entities = mentions.isEmpty ? nil : mentions
    }

    init(card: TeamsCard) {
        attachments = [Attachment(content: card)]
    }

    /// The text with each `<at>id</at>` written as `<at>Name</at>` (the name Teams gave, else the id), and a mention
    /// entity for each: the entity's text must be exactly that span.
    static func mentions(in text: String, names: TeamsPeople?) -> (String, [Mention]) {
        var mentions: [Mention] = []
        var out = ""
        var rest = Substring(text)
        while let open = rest.range(of: "<at>"), let close = rest[open.upperBound...].range(of: "</at>") {
            let id = HTMLText.decodingEntities(String(rest[open.upperBound..<close.lowerBound]))
            let name = names?.name(of: id) ?? id
            let span = "<at>\(TeamsMarkup().escape(name))</at>"
            out += rest[..<open.lowerBound] + span
            if !mentions.contains(where: { $0.mentioned.id == id }) { mentions.append(Mention(mentioned: .init(id: id, name: name), text: span)) }
            rest = rest[close.upperBound...]
        }
        return (out + rest, mentions)
    }
}
