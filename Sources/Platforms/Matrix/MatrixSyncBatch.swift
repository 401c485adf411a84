import Foundation
import IncidentKit

/// What one `/sync` answer holds for Firebell: the next token, rooms it is invited to, and room messages.
package struct MatrixSyncBatch: Sendable, Equatable {
    /// A message in a joined room.
    package struct Message: Sendable, Equatable {
        package var roomID: String
        package var eventID: String
        package var sender: String
        package var msgtype: String
        package var body: String
    }

    /// An `m.annotation` reaction (`m.reaction`) on an event.
    package struct Reaction: Sendable, Equatable {
        package var roomID: String
        package var eventID: String
        package var sender: String
        package var target: String
        package var key: String
    }

    /// A redaction: someone took an event back (a reaction, for Firebell).
    package struct Redaction: Sendable, Equatable {
        package var roomID: String
        package var eventID: String
        package var sender: String
        package var redacts: String
    }

    package var nextBatch: String?
    package var invitedRooms: [String]
    package var messages: [Message]
    package var reactions: [Reaction] = []
    package var redactions: [Redaction] = []

    /// Reads a `/sync` answer; nil when it is not one.
    package init?(json: Data) {
        guard let sync = try? JSONDecoder().decode(Sync.self, from: json) else { return nil }
        nextBatch = sync.nextBatch
        invitedRooms = (sync.rooms?.invite ?? [:]).keys.sorted()
        var messages: [Message] = []
        for (roomID, room) in (sync.rooms?.join ?? [:]).sorted(by: { $0.key < $1.key }) {
            for event in room.timeline?.events ?? [] {
                guard let content = event.content, let sender = event.sender, let eventID = event.eventID else { continue }
                switch event.type {
                case "m.room.message":
                    messages.append(
                        Message(roomID: roomID, eventID: eventID, sender: sender, msgtype: content.msgtype ?? "", body: content.body ?? "")
                    )
                case "m.reaction":
                    guard let relation = content.relatesTo, relation.relType == "m.annotation", let target = relation.eventID, let key = relation.key
                    else { continue }
                    reactions.append(Reaction(roomID: roomID, eventID: eventID, sender: sender, target: target, key: key))
                case "m.room.redaction":
                    // Room versions up to 10 say what is redacted beside the content, 11 inside it.
                    guard let redacts = content.redacts ?? event.redacts else { continue }
                    redactions.append(Redaction(roomID: roomID, eventID: eventID, sender: sender, redacts: redacts))
                default:
                    continue
                }
            }
        }
        self.messages = messages
    }

    /// The parts of a `/sync` answer Firebell reads.
    struct Sync: Decodable {
        struct Rooms: Decodable {
            var join: [String: JoinedRoom]?
            var invite: [String: JSONValue]?
        }
        struct JoinedRoom: Decodable {
            var timeline: Timeline?
        }
        struct Timeline: Decodable {
            var events: [Event]?
        }
        struct Event: Decodable {
            struct Content: Decodable {
                struct Relation: Decodable {
                    var relType: String?
                    var eventID: String?
                    var key: String?

                    init(from decoder: any Decoder) throws {
                        let container = try decoder.container(keyedBy: CodingKeys.self)
                        relType = try? container.decodeIfPresent(String.self, forKey: .relType)
                        eventID = try? container.decodeIfPresent(String.self, forKey: .eventID)
                        key = try? container.decodeIfPresent(String.self, forKey: .key)
                    }

                    enum CodingKeys: String, CodingKey {
                        case key
                        case relType = "rel_type"
                        case eventID = "event_id"
                    }
                }
                var msgtype: String?
                var body: String?
                var relatesTo: Relation?
                var redacts: String?

                /// Content is whatever the sender put there: a field of another type reads as missing.
                init(from decoder: any Decoder) throws {
                    let container = try decoder.container(keyedBy: CodingKeys.self)
                    msgtype = try? container.decodeIfPresent(String.self, forKey: .msgtype)
                    body = try? container.decodeIfPresent(String.self, forKey: .body)
                    relatesTo = try? container.decodeIfPresent(Relation.self, forKey: .relatesTo)
                    redacts = try? container.decodeIfPresent(String.self, forKey: .redacts)
                }

                enum CodingKeys: String, CodingKey {
                    case msgtype, body, redacts
                    case relatesTo = "m.relates_to"
                }
            }
            var type: String?
            var sender: String?
            var eventID: String?
            var content: Content?
            var redacts: String?
            var originServerTS: Int64?

            enum CodingKeys: String, CodingKey {
                case type, sender, content, redacts
                case eventID = "event_id"
                case originServerTS = "origin_server_ts"
            }
        }

        var nextBatch: String?
        var rooms: Rooms?

        enum CodingKeys: String, CodingKey {
            case rooms
            case nextBatch = "next_batch"
        }
    }

    /// The commands in this batch: `!incident …` or `/incident …` typed as `m.text` by someone other than the bot.
    /// `m.notice` is never acted on (the spec's rule against bot loops), nor are edits or the bot's own messages.
    package func commands(botUserID: String?) -> [(eventID: String, command: InboundCommand)] {
        messages.compactMap { message in
            guard message.msgtype == "m.text", message.sender != botUserID,
                let arguments = CommandParser.stripCommandName(message.body.trimmingCharacters(in: .whitespacesAndNewlines))
            else { return nil }
            let actor = UserRef(String(message.sender.drop { $0 == "@" }))
            return (
                message.eventID,
                InboundCommand(
                    channel: ChannelRef(platform: .matrix, workspace: "default", channel: message.roomID),
                    actor: actor,
                    arguments: arguments
                )
            )
        }
    }
}
