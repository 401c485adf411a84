import Foundation
import Synchronization

/// The source of "now" for the shell; tests inject a manual one.
package protocol WallClock: Sendable {
    func now() -> Date
}

/// A clock the timer loop can also sleep on.
package protocol SchedulerClock: WallClock {
    /// Returns at `deadline` or later; throws when the task is cancelled.
    func sleep(until deadline: Date) async throws
}

/// The system clock.
package struct SystemWallClock: SchedulerClock {
    package init() {}
    package func now() -> Date { Date() }

    package func sleep(until deadline: Date) async throws {
        let seconds = deadline.timeIntervalSinceNow
        if seconds > 0 { try await Task.sleep(for: .milliseconds(Int64((seconds * 1000).rounded(.up)))) }
    }
}

/// A clock that moves only when told to; sleepers wake when it is moved past their deadline.
package final class ManualWallClock: SchedulerClock {
    private struct State {
        var now: Date
        var sleepers: [(id: Int, deadline: Date, continuation: CheckedContinuation<Void, any Error>)] = []
        var nextID = 0
    }

    private let state: Mutex<State>

    package init(_ start: Date) { state = Mutex(State(now: start)) }

    package func now() -> Date { state.withLock { $0.now } }

    package func advance(by seconds: TimeInterval) { set(now().addingTimeInterval(seconds)) }

    package func set(_ date: Date) {
        let due = state.withLock { state -> [CheckedContinuation<Void, any Error>] in
            state.now = date
            let due = state.sleepers.filter { $0.deadline <= date }
            state.sleepers.removeAll { $0.deadline <= date }
            return due.map(\.continuation)
        }
        for continuation in due { continuation.resume() }
    }

    package func sleep(until deadline: Date) async throws {
        let id = state.withLock { state -> Int in
            state.nextID += 1
            return state.nextID
        }
        try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
                let resumeNow = state.withLock { state -> Bool in
                    if state.now >= deadline || Task.isCancelled { return true }
                    state.sleepers.append((id, deadline, continuation))
                    return false
                }
                if resumeNow { continuation.resume() }
            }
            try Task.checkCancellation()
        } onCancel: {
            let cancelled = state.withLock { state -> CheckedContinuation<Void, any Error>? in
                guard let index = state.sleepers.firstIndex(where: { $0.id == id }) else { return nil }
                return state.sleepers.remove(at: index).continuation
            }
            cancelled?.resume(throwing: CancellationError())
        }
    }
}
