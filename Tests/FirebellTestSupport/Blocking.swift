import Foundation

/// Runs blocking work (waiting for a process, polling a socket, reading a pipe) on a thread of its own and waits for
/// it without holding a thread.
///
/// Not on Swift concurrency's threads: it runs every test *and* the server under test on as many threads as there
/// are cores (two here); a test that blocks one of them for seconds halves the server's capacity. Not on Dispatch's
/// global pool either: on Linux it grows by one thread a second once its threads wait, and `Task.sleep` resumes
/// through it, so waits held there (slow clients, process waits) delay every timer in the test process by seconds.
public func blocking<T: Sendable>(_ work: @escaping @Sendable () throws -> T) async throws -> T {
    try await withCheckedThrowingContinuation { continuation in
        Thread { continuation.resume(with: Result { try work() }) }.start()
    }
}

/// ``blocking(_:)`` for work that cannot fail.
public func blocking<T: Sendable>(_ work: @escaping @Sendable () -> T) async -> T {
    await withCheckedContinuation { continuation in
        Thread { continuation.resume(returning: work()) }.start()
    }
}
