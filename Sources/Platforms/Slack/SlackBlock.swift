import Foundation

/// A Block Kit text object. Firebell's mrkdwn is `verbatim`: Slack formats it, but finds no mentions, channel
/// names or links in it that Firebell did not write as `<…>` itself.
struct SlackText: Encodable, Equatable {
    var type: String
    var text: String
    var verbatim: Bool?

    init(mrkdwn text: String) {
        type = "mrkdwn"
        self.text = text
        verbatim = true
    }

    init(plain text: String) {
        type = "plain_text"
        self.text = text
    }
}

/// A button of an actions block; its value is the incident it acts on.
struct SlackButton: Encodable, Equatable {
    let type = "button"
    var text: SlackText
    var actionID: String
    var value: String
    var style: String?

    init(label: String, actionID: String, value: String, style: String? = nil) {
        text = SlackText(plain: label)
        self.actionID = actionID
        self.value = value
        self.style = style
    }

    enum CodingKeys: String, CodingKey {
        case type, text, value, style
        case actionID = "action_id"
    }
}

/// The blocks Firebell sends in a message.
enum SlackBlock: Encodable, Equatable {
    case section(SlackText)
    case actions(blockID: String, elements: [SlackButton])

    enum CodingKeys: String, CodingKey {
        case type, text, elements
        case blockID = "block_id"
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        switch self {
        case .section(let text):
            try container.encode("section", forKey: .type)
            try container.encode(text, forKey: .text)
        case .actions(let blockID, let elements):
            try container.encode("actions", forKey: .type)
            try container.encode(blockID, forKey: .blockID)
            try container.encode(elements, forKey: .elements)
        }
    }
}

/// The "Post update" modal (`views.open`).
struct SlackModal: Encodable {
    let type = "modal"
    var callbackID: String
    var privateMetadata: String
    var title: SlackText
    var submit: SlackText
    var close: SlackText
    var blocks: [SlackInputBlock]

    enum CodingKeys: String, CodingKey {
        case type, title, submit, close, blocks
        case callbackID = "callback_id"
        case privateMetadata = "private_metadata"
    }
}

/// A plain-text input of the modal; its value arrives under `state.values.<block_id>.text`.
struct SlackInputBlock: Encodable {
    struct Element: Encodable {
        let type = "plain_text_input"
        let actionID = "text"
        var multiline: Bool?

        enum CodingKeys: String, CodingKey {
            case type, multiline
            case actionID = "action_id"
        }
    }

    let type = "input"
    var blockID: String
    var label: SlackText
    var optional: Bool?
    var element: Element

    init(blockID: String, label: SlackText, multiline: Bool? = nil, optional: Bool? = nil) {
        self.blockID = blockID
        self.label = label
        self.optional = optional
        element = Element(multiline: multiline)
    }

    enum CodingKeys: String, CodingKey {
        case type, label, optional, element
        case blockID = "block_id"
    }
}
