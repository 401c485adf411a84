import Foundation
import IncidentKit

extension MatrixDelivery {
    /// A war room on Matrix: `createRoom` with the name as its alias (`#inc-2026-0042-…:server`), so a retry finds the
    /// room an earlier attempt made (the alias resolves to a room the bot is in) and a clash gets the next suffix;
    /// people are invited one by one, the topic is the room's `m.room.topic`. Matrix has no archive: the room is
    /// renamed "[archived] …" and the bot leaves it.
    func warRoom(_ request: WarRoomDelivery, _ message: OutboundMessage) async -> DeliveryResult {
        let room = MatrixSession.encoded(message.channel.channel)
        do {
            switch request.action {
            case .create(let war):
                return try await create(war, topic: request.topic)
            case .invite(let people):
                for person in people {
                    let answer = try await session.send(.POST, "/_matrix/client/v3/rooms/\(room)/invite", MatrixInvite(userID: "@" + person.id))
                    // Already in the room (or invited): nothing left to do for them.
                    if answer.status == 403, answer.decoded(MatrixErrorBody.self)?.errcode == "M_FORBIDDEN" { continue }
                    guard answer.status == 200 else { return classify(answer) }
                }
                return .delivered(reference: nil)
            case .setTopic:
                return classify(
                    try await session.send(.PUT, "/_matrix/client/v3/rooms/\(room)/state/m.room.topic", MatrixTopic(topic: request.topic))
                )
            case .archive:
                let current = try await session.send(.GET, "/_matrix/client/v3/rooms/\(room)/state/m.room.name")
                let name = current.decoded(MatrixRoomName.self)?.name ?? ""
                if !name.hasPrefix("[archived]") {
                    let renamed = try await session.send(
                        .PUT,
                        "/_matrix/client/v3/rooms/\(room)/state/m.room.name",
                        MatrixRoomName(name: "[archived] " + name)
                    )
                    guard renamed.status == 200 else { return classify(renamed) }
                }
                let left = try await session.send(.POST, "/_matrix/client/v3/rooms/\(room)/leave", [String: String]())
                return left.status == 200 || left.status == 403 ? .delivered(reference: nil) : classify(left)
            }
        } catch {
            return .transient("\(error)")
        }
    }

    private func create(_ war: WarRoomRequest, topic: String) async throws -> DeliveryResult {
        guard let bot = session.userID, let server = bot.split(separator: ":", maxSplits: 1).last.map(String.init) else {
            return .transient("not logged in yet")
        }
        for attempt in 1...9 {
            let name = attempt == 1 ? war.name : WarRoomPolicy.suffixed(war.name, attempt)
            let body = MatrixCreateRoom(name: name, roomAliasName: name, topic: topic, preset: "private_chat")
            let answer = try await session.send(.POST, "/_matrix/client/v3/createRoom", body)
            if answer.status == 200, let id = answer.decoded(MatrixCreated.self)?.roomID {
                return .delivered(reference: WarRoomDelivery.reference(channel: id, name: name))
            }
            guard answer.decoded(MatrixErrorBody.self)?.errcode == "M_ROOM_IN_USE" else { return classify(answer) }
            let alias = MatrixSession.encoded("#\(name):\(server)")
            let resolved = try await session.send(.GET, "/_matrix/client/v3/directory/room/\(alias)")
            guard resolved.status == 200, let id = resolved.decoded(MatrixCreated.self)?.roomID else { continue }
            // The bot is in it: the room an earlier attempt created (names carry the incident id).
            let members = try await session.send(.GET, "/_matrix/client/v3/rooms/\(MatrixSession.encoded(id))/joined_members")
            if members.status == 200, members.decoded(MatrixJoinedMembers.self)?.joined[bot] != nil {
                return .delivered(reference: WarRoomDelivery.reference(channel: id, name: name))
            }
        }
        return .permanent("every alias from #\(war.name) to #\(WarRoomPolicy.suffixed(war.name, 9)) is taken")
    }

    private func classify(_ answer: JSONClient.Answer) -> DeliveryResult {
        let error = answer.decoded(MatrixErrorBody.self)
        if answer.status == 429 || error?.errcode == "M_LIMIT_EXCEEDED" { return .retryAfter(Double(error?.retryAfterMS ?? 1000) / 1000) }
        return JSONClient.classify(answer, reference: { _ in nil }, retryAfter: { _ in 1 })
    }
}

struct MatrixCreateRoom: Encodable {
    var name: String
    var roomAliasName: String
    var topic: String
    var preset: String

    enum CodingKeys: String, CodingKey {
        case name, topic, preset
        case roomAliasName = "room_alias_name"
    }
}

struct MatrixCreated: Decodable {
    var roomID: String?

    enum CodingKeys: String, CodingKey { case roomID = "room_id" }
}

struct MatrixInvite: Encodable {
    var userID: String

    enum CodingKeys: String, CodingKey { case userID = "user_id" }
}

struct MatrixTopic: Codable {
    var topic: String
}

struct MatrixRoomName: Codable {
    var name: String
}

struct MatrixJoinedMembers: Decodable {
    var joined: [String: JSONValue]
}
