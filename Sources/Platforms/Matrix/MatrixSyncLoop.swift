import Foundation
import IncidentKit
import IncidentStore
import Logging
import ServiceLifecycle
import Synchronization

/// Reads commands from Matrix rooms: long-polls `/sync` (the `since` token is kept in the data folder, so a
/// restart picks up where it stopped), joins the rooms the bot is invited to, and runs `!incident` / `/incident`
/// messages. Errors back off from 1 s to 30 s and the loop carries on.
struct MatrixSyncLoop: Service {
    let session: MatrixSession
    let transactions: any ChannelTransactions
    let sinceFile: URL
    let pinReaction: PinReaction
    let logger: Logger
    var pollWait: Duration = .seconds(30)
    /// Display names already read, by Matrix user id.
    private let names = MatrixDisplayNames()
    var initialBackoff: Duration = .seconds(1)

    func run() async {
        var backoff = initialBackoff
        while !Task.isCancelled {
            do {
                if session.userID == nil { try await session.connect() }
                try await syncOnce()
                backoff = initialBackoff
            } catch is CancellationError {
                return
            } catch {
                logger.warning("Matrix sync failed; retrying", metadata: ["error": "\(error)", "in": "\(backoff)"])
                try? await Task.sleep(for: backoff)
                backoff = min(backoff * 2, .seconds(30))
            }
        }
    }

    /// One poll: join invites, run the commands, then store the new `since` token.
    func syncOnce() async throws {
        let since = readSince()
        let batch = try await session.sync(since: since, wait: since == nil ? .zero : pollWait)
        for room in batch.invitedRooms {
            do { try await session.join(room) } catch {
                logger.warning("could not join an invited room", metadata: ["room": "\(room)", "error": "\(error)"])
            }
        }
        // The first sync is history: only commands typed after Firebell started listening are run.
        if since != nil {
            for (eventID, var command) in batch.commands(botUserID: session.userID) {
                command.actorName = PeopleNames.cleaned(await names.name(of: "@" + command.actor.id, from: session))
                // The event id makes a message seen again (a sync replayed after a crash) run once.
                do { _ = try await transactions.transact(.command(command, delivery: eventID, answer: .reply(confirmations: true))) } catch {
                    logger.warning("ignored a message with an invalid id", metadata: ["event": "\(eventID)", "reason": "\(error)"])
                }
            }
            try await pins(batch)
        }
        if let next = batch.nextBatch { try writeSince(next) }
    }

    /// The `/sync` position, as kept in the data folder.
    struct Position: Codable {
        var since: String
    }

    private func readSince() -> String? {
        guard let data = try? Data(contentsOf: sinceFile) else { return nil }
        return (try? JSONDecoder().decode(Position.self, from: data))?.since
    }

    private func writeSince(_ token: String) throws {
        try AtomicFile.write(try JSONEncoder().encode(Position(since: token)), to: sinceFile)
    }
}

/// The display names of the people who send commands, read once per person from their profile.
final class MatrixDisplayNames: Sendable {
    private let known = Mutex<[String: String]>([:])

    func name(of userID: String, from session: MatrixSession) async -> String? {
        if let name = known.withLock({ $0[userID] }) { return name }
        guard let name = await session.displayName(of: userID) else { return nil }
        known.withLock { $0[userID] = name }
        return name
    }
}

extension MatrixSyncLoop {
    /// The pin reaction (`m.annotation` with the pin emoji) puts the message it annotates on the timeline; redacting
    /// that reaction records that the pin came off. The reaction's event id makes a replayed sync pin once. A message
    /// that cannot be read fails the sync, which is tried again before its position is stored.
    func pins(_ batch: MatrixSyncBatch) async throws {
        for reaction in batch.reactions where reaction.sender != session.userID && pinReaction.matches(key: reaction.key) {
            let target = try await session.event(reaction.target, in: reaction.roomID)
            let message = ChatMessage(
                id: reaction.target,
                author: target.sender.map { UserRef(String($0.drop { $0 == "@" })) },
                text: target.content?.body ?? "",
                postedAt: Date(timeIntervalSince1970: TimeInterval(target.originServerTS ?? 0) / 1000),
                link: "https://matrix.to/#/\(MatrixSession.encoded(reaction.roomID))/\(MatrixSession.encoded(reaction.target))",
                reaction: reaction.eventID
            )
            try await transact(.pin(.add(message)), in: reaction.roomID, by: reaction.sender, delivery: reaction.eventID)
        }
        for redaction in batch.redactions where redaction.sender != session.userID {
            try await transact(.pin(.removeReaction(redaction.redacts)), in: redaction.roomID, by: redaction.sender, delivery: redaction.eventID)
        }
    }

    private func transact(_ input: Input, in roomID: String, by sender: String, delivery: String) async throws {
        let channel = ChannelRef(platform: .matrix, workspace: "default", channel: roomID)
        let actor = UserRef(String(sender.drop { $0 == "@" }))
        do { _ = try await transactions.transact(ChannelInput(.input(input), in: channel, by: actor, delivery: delivery)) } catch {
            logger.warning("ignored a reaction with an invalid id", metadata: ["event": "\(delivery)", "reason": "\(error)"])
        }
    }
}
