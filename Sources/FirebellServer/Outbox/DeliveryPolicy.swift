import Foundation

/// How the outbox paces and retries deliveries.
package struct DeliveryPolicy: Sendable {
    /// At most one message per this interval per channel (Slack: about one per second per channel).
    package var minimumInterval: Duration = .seconds(1)
    /// The first retry delay after a passing failure; it doubles per attempt, with jitter.
    package var backoffBase: Duration = .milliseconds(500)
    package var backoffCap: Duration = .seconds(60)
    /// Longest a Retry-After is honoured for before it is treated as this long.
    package var retryAfterCap: Duration = .seconds(300)
    /// How long one request to a platform may take before it counts as a passing failure.
    package var requestTimeout: Duration = .seconds(10)

    package init() {}

    /// The delay before retry number `attempt` (from 1): exponential, capped, with ±50 % jitter.
    func backoff(attempt: Int) -> Duration {
        let exponent = min(attempt - 1, 16)
        let base = min(backoffBase * (1 << exponent), backoffCap)
        return base * Double.random(in: 0.5...1.0)
    }
}
