import Foundation
import IncidentKit

/// The one sleeper: waits for the earliest deadline of all channels (nothing polls), fires what is due
/// through the service, and hands the posts to `deliver`. Woken early when a sooner deadline is armed.
public struct TimerLoop: Sendable {
    public let service: IncidentService
    public let deliver: @Sendable (TimerDelivery) async -> Void

    public init(service: IncidentService, deliver: @escaping @Sendable (TimerDelivery) async -> Void) {
        self.service = service
        self.deliver = deliver
    }

    /// Runs until the calling task is cancelled. Overdue timers found at start fire once, coalesced.
    public func run() async {
        while !Task.isCancelled {
            await service.fireDueTimers(now: service.clock.now(), deliver: deliver)
            guard !Task.isCancelled else { return }
            await service.wake.wait(until: service.nextDeadline, on: service.clock)
        }
    }
}
