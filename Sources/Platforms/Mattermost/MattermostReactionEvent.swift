import Foundation

/// A `reaction_added` or `reaction_removed` frame of Mattermost's WebSocket API. The reaction arrives as a
/// JSON-encoded string inside `data.reaction`, decoded a second time.
package struct MattermostReactionEvent: Sendable, Equatable {
    package var added: Bool
    /// Who reacted (a user id).
    package var userID: String
    package var postID: String
    package var emojiName: String

    /// The reaction in a frame, or nil for any other frame.
    package init?(text: String) {
        guard let frame = try? JSONDecoder().decode(Frame.self, from: Data(text.utf8)),
            frame.event == "reaction_added" || frame.event == "reaction_removed", let reactionText = frame.data?.reaction,
            let reaction = try? JSONDecoder().decode(Reaction.self, from: Data(reactionText.utf8))
        else { return nil }
        added = frame.event == "reaction_added"
        userID = reaction.userID
        postID = reaction.postID
        emojiName = reaction.emojiName
    }

    struct Frame: Decodable {
        struct Payload: Decodable {
            var reaction: String?
        }
        var event: String?
        var data: Payload?
    }

    /// `{"user_id","post_id","emoji_name","create_at"}`, as the REST API's reactions also read.
    struct Reaction: Decodable {
        var userID: String
        var postID: String
        var emojiName: String

        enum CodingKeys: String, CodingKey {
            case userID = "user_id"
            case postID = "post_id"
            case emojiName = "emoji_name"
        }
    }
}
