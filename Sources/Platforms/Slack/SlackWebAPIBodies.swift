import Foundation

/// `chat.postMessage`: a post carrying its effect key in message metadata, so a retry can find it.
struct SlackPostMessage: Encodable {
    var channel: String
    var text: String
    var blocks: [SlackBlock]
    var threadTS: String?
    var metadata: SlackMessageMetadata
    let unfurlLinks = false
    let unfurlMedia = false

    enum CodingKeys: String, CodingKey {
        case channel, text, blocks, metadata
        case threadTS = "thread_ts"
        case unfurlLinks = "unfurl_links"
        case unfurlMedia = "unfurl_media"
    }
}

/// Message metadata: `event_type` names Firebell's effects, `event_payload.effect` the effect's key.
struct SlackMessageMetadata: Encodable {
    struct Payload: Encodable {
        var effect: String
    }

    var eventType: String
    var eventPayload: Payload

    enum CodingKeys: String, CodingKey {
        case eventType = "event_type"
        case eventPayload = "event_payload"
    }
}

/// `chat.update`: rewrites the headline.
struct SlackMessageEdit: Encodable {
    var channel: String
    var ts: String
    var text: String
    var blocks: [SlackBlock]
}

/// `chat.postEphemeral`: an answer only the invoker sees.
struct SlackEphemeralMessage: Encodable {
    var channel: String
    var user: String
    var text: String
}

/// `views.open` with the update modal.
struct SlackViewsOpen: Encodable {
    var triggerID: String
    var view: SlackModal

    enum CodingKeys: String, CodingKey {
        case view
        case triggerID = "trigger_id"
    }
}

/// A message sent to a `response_url`.
struct SlackResponseMessage: Encodable {
    var responseType = "ephemeral"
    var text: String

    enum CodingKeys: String, CodingKey {
        case text
        case responseType = "response_type"
    }
}

/// What every Web API method answers: `ok`, and `error` or the message's `ts`.
struct SlackAPIAnswer: Decodable {
    var ok: Bool
    var error: String?
    var ts: String?
}
