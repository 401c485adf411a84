import Foundation
import IncidentKit

extension DiscordAPI {
    /// A war room on Discord is a public thread of the channel where the incident was declared, not a new channel:
    /// a thread is Discord's own place for one conversation, needs no Manage Channels permission, keeps the link to
    /// where it started, adds people by id, and archives natively. `POST /channels/{id}/threads` (a retry first looks
    /// for the thread the bot already started with that name among the guild's active threads), `PUT
    /// /channels/{thread}/thread-members/{user}`, `PATCH /channels/{thread}` `{archived: true}`. Threads have no
    /// topic (and renames are rate-limited to two in ten minutes), so the topic stays in the Initial Alert.
    func warRoom(_ request: WarRoomDelivery, _ message: OutboundMessage) async -> DeliveryResult {
        let channel = message.channel.channel
        do {
            switch request.action {
            case .create(let war):
                if message.mayHaveBeenSent, let earlier = try await startedThread(named: war.name, in: message.channel) {
                    return .delivered(reference: WarRoomDelivery.reference(channel: earlier, name: war.name))
                }
                let answer = try await bot.send(.POST, "\(baseURL)/channels/\(channel)/threads", DiscordNewThread(name: war.name))
                guard (200..<300).contains(answer.status), let id = answer.id else {
                    return JSONClient.classify(answer, reference: \.id, retryAfter: Self.retryAfter)
                }
                return .delivered(reference: WarRoomDelivery.reference(channel: id, name: war.name))
            case .invite(let people):
                for person in people {
                    let answer = try await bot.send(.PUT, "\(baseURL)/channels/\(channel)/thread-members/\(person.id)")
                    guard (200..<300).contains(answer.status) else {
                        return JSONClient.classify(answer, reference: \.id, retryAfter: Self.retryAfter)
                    }
                }
                return .delivered(reference: nil)
            case .setTopic:
                return .delivered(reference: nil)
            case .archive:
                let answer = try await bot.send(.PATCH, "\(baseURL)/channels/\(channel)", DiscordThreadArchive(archived: true))
                return JSONClient.classify(answer, reference: \.id, retryAfter: Self.retryAfter)
            }
        } catch {
            return .transient("\(error)")
        }
    }

    /// The active thread of that name the bot started under `channel`, if an earlier attempt made it.
    private func startedThread(named name: String, in channel: ChannelRef) async throws -> String? {
        let me = try await bot.send(.GET, "\(baseURL)/users/@me")
        let threads = try await bot.send(.GET, "\(baseURL)/guilds/\(channel.workspace)/threads/active")
        guard me.status == 200, let bot = me.id, threads.status == 200, let list = threads.decoded(DiscordActiveThreads.self) else {
            throw DiscordLookupFailed(status: threads.status)
        }
        return list.threads.first { $0.name == name && $0.ownerID == bot && $0.parentID == channel.channel }?.id
    }
}

struct DiscordLookupFailed: Error {
    let status: Int
}

/// A public thread without a starter message (type 11), archived after a week of silence at most.
struct DiscordNewThread: Encodable {
    var name: String
    var type = 11
    var autoArchiveDuration = 10080

    enum CodingKeys: String, CodingKey {
        case name, type
        case autoArchiveDuration = "auto_archive_duration"
    }
}

struct DiscordThreadArchive: Encodable {
    var archived: Bool
}

struct DiscordActiveThreads: Decodable {
    struct Thread: Decodable {
        var id: String
        var name: String?
        var ownerID: String?
        var parentID: String?

        enum CodingKeys: String, CodingKey {
            case id, name
            case ownerID = "owner_id"
            case parentID = "parent_id"
        }
    }
    var threads: [Thread]
}
