import AsyncHTTPClient
import Foundation
import IncidentKit
import NIOCore

extension SlackWebAPI {
    /// A war room on Slack: `conversations.create` (a public channel; on `name_taken`, a channel of that name the bot
    /// created is an earlier attempt's and is taken, any other gets the next suffix), `conversations.invite`,
    /// `conversations.setTopic`, `conversations.archive`. Needs the `channels:manage` scope; without it the create
    /// is refused for good and the incident runs where it was declared.
    func warRoom(_ request: WarRoomDelivery, _ message: OutboundMessage) async -> DeliveryResult {
        let channel = message.channel.channel
        switch request.action {
        case .create(let war):
            return await create(war.name)
        case .invite(let people):
            let result = await call("conversations.invite", SlackInvite(channel: channel, users: people.map(\.id).joined(separator: ",")))
            // Already there, or the bot itself: nothing left to do.
            if case .permanent(let error) = result, ["already_in_channel", "cant_invite_self"].contains(error) { return .delivered(reference: nil) }
            return result
        case .setTopic:
            return await call("conversations.setTopic", SlackTopic(channel: channel, topic: request.topic))
        case .archive:
            let result = await call("conversations.archive", SlackChannelOnly(channel: channel))
            if case .permanent("already_archived") = result { return .delivered(reference: nil) }
            return result
        }
    }

    /// Creates the channel, or finds the one an earlier attempt created.
    private func create(_ name: String) async -> DeliveryResult {
        for attempt in 1...Self.nameAttempts {
            let candidate = attempt == 1 ? name : WarRoomPolicy.suffixed(name, attempt)
            let answer: SlackCreatedChannel
            switch await post(SlackCreatedChannel.self, "conversations.create", SlackCreateChannel(name: candidate)) {
            case .failure(let failure): return failure.result
            case .success(let read): answer = read
            }
            if answer.ok, let created = answer.channel {
                return .delivered(reference: WarRoomDelivery.reference(channel: created.id, name: created.name))
            }
            guard answer.error == "name_taken" else {
                let error = answer.error ?? "unknown_error"
                return Self.permanentErrors.union(Self.creationErrors).contains(error) ? .permanent(error) : .transient(error)
            }
            switch await ownChannel(named: candidate) {
            case .found(let id): return .delivered(reference: WarRoomDelivery.reference(channel: id, name: candidate))
            case .notFound: continue
            case .unknown(let reason): return .transient("could not check who holds the name \(candidate): \(reason)")
            }
        }
        return .permanent("every name from \(name) to \(WarRoomPolicy.suffixed(name, Self.nameAttempts)) is taken")
    }

    static let nameAttempts = 9
    static let creationErrors: Set<String> = [
        "invalid_name", "invalid_name_maxlength", "invalid_name_specials", "invalid_name_punctuation", "name_taken",
    ]

    /// A channel of that name the bot created (an earlier attempt's, since names carry the incident id).
    private func ownChannel(named name: String) async -> Lookup {
        let me: SlackIdentity
        switch await read(SlackIdentity.self, "auth.test", [:]) {
        case .failure(let failure): return .unknown(failure.description)
        case .success(let identity): me = identity
        }
        var query = ["types": "public_channel,private_channel", "limit": "1000", "exclude_archived": "false"]
        for _ in 0..<Self.lookupPages {
            let page: SlackChannelList
            switch await read(SlackChannelList.self, "conversations.list", query) {
            case .failure(let failure): return .unknown(failure.description)
            case .success(let list): page = list
            }
            guard page.ok else { return .unknown(page.error ?? "unknown_error") }
            if let match = page.channels?.first(where: { $0.name == name }) {
                return match.creator == me.userID && match.isArchived != true ? .found(match.id) : .notFound
            }
            guard let cursor = page.responseMetadata?.nextCursor, !cursor.isEmpty else { return .notFound }
            query["cursor"] = cursor
        }
        return .unknown("more than \(Self.lookupPages) pages of channels")
    }
}

struct SlackCreateChannel: Encodable {
    var name: String
    var isPrivate = false

    enum CodingKeys: String, CodingKey {
        case name
        case isPrivate = "is_private"
    }
}

struct SlackInvite: Encodable {
    var channel: String
    var users: String
    var force = true
}

struct SlackTopic: Encodable {
    var channel: String
    var topic: String
}

struct SlackChannelOnly: Encodable {
    var channel: String
}

struct SlackCreatedChannel: Decodable {
    struct Channel: Decodable {
        var id: String
        var name: String
    }
    var ok: Bool
    var error: String?
    var channel: Channel?
}

/// `auth.test`: who the bot is.
struct SlackIdentity: Decodable {
    var userID: String?

    enum CodingKeys: String, CodingKey { case userID = "user_id" }
}

/// `conversations.list`, as far as finding a channel by name reads it.
struct SlackChannelList: Decodable {
    struct Channel: Decodable {
        var id: String
        var name: String
        var creator: String?
        var isArchived: Bool?

        enum CodingKeys: String, CodingKey {
            case id, name, creator
            case isArchived = "is_archived"
        }
    }
    var ok: Bool
    var error: String?
    var channels: [Channel]?
    var responseMetadata: SlackHistory.ResponseMetadata?

    enum CodingKeys: String, CodingKey {
        case ok, error, channels
        case responseMetadata = "response_metadata"
    }
}
