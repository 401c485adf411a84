import Foundation
import IncidentKit

/// A Bot Framework activity as Teams posts it to `/teams/messages`: a message (`@Firebell incident …` or
/// `/incident …`), or an `adaptiveCard/action` invoke from a card's button. Only the fields Firebell reads.
package struct TeamsActivity: Codable, Sendable, Equatable {
    package struct Account: Codable, Sendable, Equatable {
        package var id: String
        package var name: String?
        package var aadObjectId: String?
    }

    package struct Conversation: Codable, Sendable, Equatable {
        package var id: String
        package var conversationType: String?
        package var tenantId: String?
    }

    package struct ChannelData: Codable, Sendable, Equatable {
        package struct Reference: Codable, Sendable, Equatable {
            package var id: String
        }
        package var tenant: Reference?
        package var channel: Reference?
    }

    /// A mention entity (other entity types carry no `mentioned`).
    package struct Entity: Codable, Sendable, Equatable {
        package var type: String
        package var mentioned: Account?
        package var text: String?
    }

    /// An invoke's value: the card action that was pressed, or a message action (`composeExtension/submitAction`)
    /// with the message it was used on and the form's answers.
    package struct InvokeValue: Codable, Sendable, Equatable {
        package struct Action: Codable, Sendable, Equatable {
            package var type: String?
            package var verb: String?
            package var data: TeamsCardActionData?
        }
        package struct MessagePayload: Codable, Sendable, Equatable {
            package struct Body: Codable, Sendable, Equatable {
                package var contentType: String?
                package var content: String?
            }
            package struct From: Codable, Sendable, Equatable {
                package struct User: Codable, Sendable, Equatable {
                    package var id: String
                    package var displayName: String?
                }
                package var user: User?
            }
            package var id: String
            package var body: Body?
            package var from: From?
            package var createdDateTime: String?
            package var linkToMessage: String?
        }
        package var action: Action?
        package var commandId: String?
        package var commandContext: String?
        package var data: [String: String]?
        package var messagePayload: MessagePayload?
    }

    package var type: String
    package var id: String?
    package var channelId: String?
    package var serviceUrl: String?
    package var text: String?
    package var name: String?
    package var from: Account?
    package var recipient: Account?
    package var conversation: Conversation?
    package var channelData: ChannelData?
    package var entities: [Entity]?
    package var value: InvokeValue?
    package var replyToId: String?

    /// The tenant the conversation belongs to.
    package var tenantID: String? { channelData?.tenant?.id ?? conversation?.tenantId }

    /// Where Firebell keeps the conversation's incidents: the tenant, and the conversation without the
    /// `;messageid=` of a thread (a command typed in a thread belongs to its channel).
    package var channel: ChannelRef? {
        guard let conversation, let tenantID else { return nil }
        let id = conversation.id.split(separator: ";", maxSplits: 1).first.map(String.init) ?? conversation.id
        guard !id.isEmpty else { return nil }
        return ChannelRef(platform: .teams, workspace: tenantID, channel: id)
    }

    /// The command text of a message: the bot's `<at>…</at>` mentions taken out, then what is left with an optional
    /// `incident`, `/incident` or `/inc` in front. A message is for Firebell when it mentions the bot or is in a
    /// personal chat with it, or when it starts with `/incident` (channels that deliver every message); else nil.
    package var commandArguments: String? {
        guard type == "message", var text else { return nil }
        let mentions = (entities ?? []).filter { $0.type == "mention" }
        let botMentions = mentions.filter { $0.mentioned?.id == recipient?.id }.compactMap(\.text)
        for mention in botMentions { text = text.replacingOccurrences(of: mention, with: " ") }
        // Anyone else mentioned is named by their id, as the grammar's `@user` reads it.
        for mention in mentions where mention.mentioned?.id != recipient?.id {
            if let span = mention.text, let id = mention.mentioned?.id { text = text.replacingOccurrences(of: span, with: "@" + id) }
        }
        text = HTMLText.decodingEntities(text).trimmingCharacters(in: .whitespacesAndNewlines)
        for prefix in ["/incident", "/inc", "incident"] {
            guard text.lowercased().hasPrefix(prefix) else { continue }
            let rest = text.dropFirst(prefix.count)
            guard rest.isEmpty || rest.first?.isWhitespace == true else { continue }
            return rest.trimmingCharacters(in: .whitespacesAndNewlines)
        }
        let addressed = !botMentions.isEmpty || conversation?.conversationType == "personal"
        return addressed && !text.isEmpty ? text : nil
    }

    /// The command as the engine takes it, when this message carries one from a person.
    package var inbound: InboundCommand? {
        guard let arguments = commandArguments, let channel, let from else { return nil }
        return InboundCommand(channel: channel, actor: UserRef(from.id), arguments: arguments, actorName: from.name)
    }
}

/// What a card's `Action.Execute` carries back: the incident the card is about.
package struct TeamsCardActionData: Codable, Sendable, Equatable {
    package var incident: String
}
