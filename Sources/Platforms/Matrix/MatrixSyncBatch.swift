import Foundation
import IncidentKit

/// What one `/sync` answer holds for Firebell: the next token, rooms it is invited to, and room messages.
public struct MatrixSyncBatch: Sendable, Equatable {
    /// A message in a joined room.
    public struct Message: Sendable, Equatable {
        public var roomID: String
        public var eventID: String
        public var sender: String
        public var msgtype: String
        public var body: String
    }

    public var nextBatch: String?
    public var invitedRooms: [String]
    public var messages: [Message]

    public init(json: [String: Any]) {
        nextBatch = json["next_batch"] as? String
        let rooms = json["rooms"] as? [String: Any] ?? [:]
        invitedRooms = (rooms["invite"] as? [String: Any] ?? [:]).keys.sorted()
        var messages: [Message] = []
        for (roomID, value) in (rooms["join"] as? [String: Any] ?? [:]).sorted(by: { $0.key < $1.key }) {
            let events = ((value as? [String: Any])?["timeline"] as? [String: Any])?["events"] as? [[String: Any]] ?? []
            for event in events where event["type"] as? String == "m.room.message" {
                guard let content = event["content"] as? [String: Any], let sender = event["sender"] as? String,
                    let eventID = event["event_id"] as? String
                else { continue }
                messages.append(
                    Message(
                        roomID: roomID,
                        eventID: eventID,
                        sender: sender,
                        msgtype: content["msgtype"] as? String ?? "",
                        body: content["body"] as? String ?? ""
                    )
                )
            }
        }
        self.messages = messages
    }

    /// The commands in this batch: `!incident …` or `/incident …` typed as `m.text` by someone other than the bot.
    /// `m.notice` is never acted on (the spec's rule against bot loops), nor are edits or the bot's own messages.
    public func commands(botUserID: String?) -> [(eventID: String, command: InboundCommand)] {
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
