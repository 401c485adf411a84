import Logging

/// Keeps a long-lived connection going: runs `attempt` until the task is cancelled, waiting between attempts from
/// `initial`, doubling up to `maximum`. An attempt that returns true got properly connected, which resets the wait.
enum Reconnecting {
    static func run(initial: Duration, maximum: Duration, logger: Logger, name: String, _ attempt: () async throws -> Bool) async {
        var backoff = initial
        while !Task.isCancelled {
            do {
                if try await attempt() { backoff = initial }
            } catch is CancellationError {
                break
            } catch {
                logger.warning("\(name) failed", metadata: ["error": "\(error)"])
            }
            guard !Task.isCancelled else { break }
            try? await Task.sleep(for: backoff)
            backoff = min(backoff * 2, maximum)
        }
    }
}
