import Foundation
import IncidentKit

/// The one sleeper: waits for the earliest deadline of all channels (nothing polls) and fires what is due, each
/// channel's timers as its transactions (their posts go to delivery like any other effects). Woken early when a
/// sooner deadline is armed.
package struct TimerLoop: Sendable {
    package let service: IncidentService

    package init(service: IncidentService) {
        self.service = service
    }

    /// Runs until the calling task is cancelled. Overdue timers found at start fire once, coalesced.
    package func run() async {
        while !Task.isCancelled {
            await service.fireDueTimers(now: service.clock.now())
            guard !Task.isCancelled else { return }
            await service.wake.wait(until: service.nextDeadline, on: service.clock)
        }
    }
}
