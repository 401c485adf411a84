import IncidentKit
import Platforms

/// Between delivery and the incidents' logs, for war rooms: the platform's answer to a creation becomes two
/// transactions, one way in like every input: the new channel declares the incident (with the id reserved when it
/// was requested), then the channel where it was declared records the link. Both are keyed by the delivery, so an
/// answer recorded again after a crash changes nothing.
package struct WarRoomBridge: Sendable {
    package var answer: @Sendable (_ requestedIn: ChannelRef, WarRoomAnswer, _ key: String) async -> Bool

    package init(answer: @escaping @Sendable (ChannelRef, WarRoomAnswer, String) async -> Bool) { self.answer = answer }

    /// The bridge to `service`.
    package init(service: IncidentService) {
        answer = { requestedIn, answer, key in
            if case .opened(let room, let name) = answer.result {
                let declare = ChannelInput(
                    .input(.declareInWarRoom(answer.request, requestedIn: requestedIn, name: name)),
                    in: room,
                    by: answer.request.declaredBy,
                    delivery: key
                )
                guard let declared = try? await service.transact(declare), declared.result != .failed else { return false }
            }
            let link = ChannelInput(.input(.warRoom(answer)), in: requestedIn, by: Input.bot, delivery: key)
            guard let linked = try? await service.transact(link) else { return false }
            return linked.result != .failed
        }
    }
}
