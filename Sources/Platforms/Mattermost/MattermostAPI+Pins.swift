import Foundation
import IncidentKit

extension MattermostAPI {
    /// What a pin reaction asks of the timeline, read from the REST API: the post (text, author, time), its channel's
    /// team, who reacted, and for a removal whether another pin reaction is still on it. Nil when the reaction is not
    /// the pin reaction or another pin remains; throws when Mattermost cannot say.
    func pin(for reaction: MattermostReactionEvent, pinReaction: PinReaction) async throws -> (ChannelInput)? {
        guard pinReaction.matches(name: reaction.emojiName) else { return nil }
        let post = try await read(MattermostReadPost.self, "/api/v4/posts/\(reaction.postID)")
        let channel = try await read(MattermostChannel.self, "/api/v4/channels/\(post.channelID)")
        let reactor = try await read(MattermostUser.self, "/api/v4/users/\(reaction.userID)")
        let ref = ChannelRef(platform: .mattermost, workspace: channel.teamID.isEmpty ? "default" : channel.teamID, channel: post.channelID)
        let pin: TimelinePin
        if reaction.added {
            let author = try await read(MattermostUser.self, "/api/v4/users/\(post.userID)")
            pin = .add(
                ChatMessage(
                    id: post.id,
                    author: UserRef(author.username),
                    text: post.message,
                    postedAt: Date(timeIntervalSince1970: TimeInterval(post.createAt) / 1000),
                    link: "\(baseURL)/_redirect/pl/\(post.id)"
                )
            )
        } else {
            let remaining = try await read([MattermostReactionEvent.Reaction].self, "/api/v4/posts/\(post.id)/reactions")
            guard !remaining.contains(where: { pinReaction.matches(name: $0.emojiName) }) else { return nil }
            pin = .remove(messageID: post.id)
        }
        return ChannelInput(.input(.pin(pin)), in: ref, by: UserRef(reactor.username))
    }

    private func read<T: Decodable>(_ type: T.Type, _ path: String) async throws -> T {
        let answer = try await http.send(.GET, baseURL + path)
        guard answer.status == 200, let value = answer.decoded(T.self) else {
            throw MattermostWebSocketError(description: "GET \(path) answered \(answer.status)")
        }
        return value
    }
}

/// `GET /api/v4/posts/{id}`, as far as a pin reads it.
struct MattermostReadPost: Decodable {
    var id: String
    var userID: String
    var channelID: String
    var message: String
    var createAt: Int64

    enum CodingKeys: String, CodingKey {
        case id, message
        case userID = "user_id"
        case channelID = "channel_id"
        case createAt = "create_at"
    }
}

/// `GET /api/v4/channels/{id}`: the team the channel belongs to ("" for direct messages).
struct MattermostChannel: Decodable {
    var teamID: String

    enum CodingKeys: String, CodingKey { case teamID = "team_id" }
}
