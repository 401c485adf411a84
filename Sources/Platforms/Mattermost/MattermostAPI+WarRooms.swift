import Foundation
import IncidentKit

extension MattermostAPI {
    /// A war room on Mattermost: `POST /api/v4/channels` in the team (a clash with a channel the bot created is an
    /// earlier attempt's and is taken; any other gets the next suffix), members added one by one, the topic as the
    /// channel header, archived with `DELETE /api/v4/channels/{id}` (Mattermost's archive).
    func warRoom(_ request: WarRoomDelivery, _ message: OutboundMessage) async -> DeliveryResult {
        do {
            let channel = message.channel.channel
            switch request.action {
            case .create(let war):
                return try await create(war, team: message.channel.workspace)
            case .invite(let people):
                for person in people {
                    guard let id = try await userID(of: person) else { continue }
                    let answer = try await http.send(.POST, "\(baseURL)/api/v4/channels/\(channel)/members", MattermostMember(userID: id))
                    guard (200..<300).contains(answer.status) else {
                        return JSONClient.classify(answer, reference: \.id, retryAfter: Self.retryAfter)
                    }
                }
                return .delivered(reference: nil)
            case .setTopic:
                let answer = try await http.send(.PUT, "\(baseURL)/api/v4/channels/\(channel)/patch", MattermostChannelPatch(header: request.topic))
                return JSONClient.classify(answer, reference: \.id, retryAfter: Self.retryAfter)
            case .archive:
                let answer = try await http.send(.DELETE, "\(baseURL)/api/v4/channels/\(channel)")
                return answer.status == 404 ? .delivered(reference: nil) : JSONClient.classify(answer, reference: \.id, retryAfter: Self.retryAfter)
            }
        } catch {
            return .transient("\(error)")
        }
    }

    private func create(_ war: WarRoomRequest, team: String) async throws -> DeliveryResult {
        guard team != "default", !team.isEmpty else { return .permanent("this channel belongs to no team to create a channel in") }
        let me = try await http.send(.GET, "\(baseURL)/api/v4/users/me")
        guard me.status == 200, let bot = me.id else { return .transient("GET /api/v4/users/me answered \(me.status)") }
        for attempt in 1...9 {
            let name = attempt == 1 ? war.name : WarRoomPolicy.suffixed(war.name, attempt)
            let body = MattermostNewChannel(teamID: team, name: name, displayName: "\(war.incident) \(war.title)".prefix(64).description, type: "O")
            let answer = try await http.send(.POST, "\(baseURL)/api/v4/channels", body)
            if (200..<300).contains(answer.status), let id = answer.id {
                return .delivered(reference: WarRoomDelivery.reference(channel: id, name: name))
            }
            guard answer.status == 400, answer.decoded(MattermostAppError.self)?.id == "store.sql_channel.save_channel.exists.app_error" else {
                return JSONClient.classify(answer, reference: \.id, retryAfter: Self.retryAfter)
            }
            let existing = try await http.send(.GET, "\(baseURL)/api/v4/teams/\(team)/channels/name/\(name)?include_deleted=true")
            guard existing.status == 200, let found = existing.decoded(MattermostExistingChannel.self) else {
                return .transient("could not read the channel named \(name): \(existing.status)")
            }
            if found.creatorID == bot, found.deleteAt == 0 { return .delivered(reference: WarRoomDelivery.reference(channel: found.id, name: name)) }
        }
        return .permanent("every name from \(war.name) to \(WarRoomPolicy.suffixed(war.name, 9)) is taken")
    }
}

struct MattermostNewChannel: Encodable {
    var teamID: String
    var name: String
    var displayName: String
    var type: String

    enum CodingKeys: String, CodingKey {
        case name, type
        case teamID = "team_id"
        case displayName = "display_name"
    }
}

struct MattermostMember: Encodable {
    var userID: String

    enum CodingKeys: String, CodingKey { case userID = "user_id" }
}

struct MattermostChannelPatch: Encodable {
    var header: String
}

/// An error answer: its `id` names the error.
struct MattermostAppError: Decodable {
    var id: String?
}

struct MattermostExistingChannel: Decodable {
    var id: String
    var creatorID: String
    var deleteAt: Int64

    enum CodingKeys: String, CodingKey {
        case id
        case creatorID = "creator_id"
        case deleteAt = "delete_at"
    }
}
