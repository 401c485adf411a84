import Foundation

/// Runs blocking work (waiting for a process, polling a socket, reading a pipe) on a dispatch thread and waits for
/// it without holding a thread. Swift concurrency runs every test *and* the server under test on as many threads as
/// there are cores (two here); a test that blocks one of them for seconds halves the server's capacity, and two
/// such tests at once stall every task in the process — answers are deferred, outboxes miss their deadlines.
public func blocking<T: Sendable>(_ work: @escaping @Sendable () throws -> T) async throws -> T {
    try await withCheckedThrowingContinuation { continuation in
        DispatchQueue.global().async { continuation.resume(with: Result { try work() }) }
    }
}

/// ``blocking(_:)`` for work that cannot fail.
public func blocking<T: Sendable>(_ work: @escaping @Sendable () -> T) async -> T {
    await withCheckedContinuation { continuation in
        DispatchQueue.global().async { continuation.resume(returning: work()) }
    }
}
