import Foundation
import HTTPTypes
import Hummingbird
import IncidentKit
import Logging
import Messaging
import NIOCore
import Platforms
import Synchronization

/// `POST /slack/events`: URL verification and `@firebell …` mentions; redeliveries are acknowledged and ignored.
struct SlackEventsRoute: Sendable {
    let service: IncidentService
    let outbox: OutboxDispatcher
    let verifier: SlackRequestVerifier
    let logger: Logger
    let seen = RecentIDs(capacity: 10_000)

    func handle(_ request: Request) async throws -> Response {
        let body = try await request.body.collect(upTo: SlackCommandRoute.maxBodyBytes)
        let bytes = Data(body.readableBytesView)
        do {
            try verifier.verify(body: bytes, timestamp: request.headers[.slackTimestamp], signature: request.headers[.slackSignature],
                                now: service.clock.now())
        } catch {
            logger.warning("rejected a Slack event", metadata: ["reason": "\(error)"])
            return .text("invalid or expired signature", status: .unauthorized)
        }
        guard let event = SlackEvent(json: bytes) else { return .text("not a Slack Events API body", status: .badRequest) }
        switch event {
        case .urlVerification(let challenge):
            let json = (try? JSONSerialization.data(withJSONObject: ["challenge": challenge])) ?? Data()
            return Response(status: .ok, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(bytes: json)))
        case .ignored:
            return Response(status: .ok)
        case .mention(let eventID, let command):
            guard seen.insert(eventID) else {
                logger.info("duplicate event ignored", metadata: ["event_id": "\(eventID)", "retry": "\(request.headers[.slackRetryNum] ?? "")"])
                return Response(status: .ok)
            }
            let outcome = await service.handle(command, markup: .slack)
            let now = service.clock.now()
            try await outbox.enqueue(outcome.posts, in: command.channel, now: now)
            if let reply = outcome.reply { try await outbox.enqueueReply(reply, to: command.actor, in: command.channel, now: now) }
            return Response(status: .ok)
        }
    }
}

/// The most recent ids seen, bounded: enough to catch Slack's redeliveries (minutes apart).
final class RecentIDs: Sendable {
    private let state: Mutex<(set: Set<String>, order: [String], start: Int)>
    private let capacity: Int

    init(capacity: Int) {
        self.capacity = capacity
        state = Mutex(([], [], 0))
    }

    /// Adds `id`; false when it was already there.
    func insert(_ id: String) -> Bool {
        state.withLock { state in
            guard state.set.insert(id).inserted else { return false }
            state.order.append(id)
            if state.order.count - state.start > capacity {
                state.set.remove(state.order[state.start])
                state.start += 1
                if state.start > capacity {
                    state.order.removeFirst(state.start)
                    state.start = 0
                }
            }
            return true
        }
    }
}

extension HTTPField.Name {
    static let slackRetryNum = HTTPField.Name("X-Slack-Retry-Num")!
}
