import Foundation

/// The one way in, as a platform sees it: every command, button, mention or message a platform receives becomes one
/// ``ChannelInput``, run as its channel's transaction; the ``Answer`` comes back once its events are durable.
package protocol ChannelTransactions: Sendable {
    func transact(_ input: ChannelInput) async -> Answer
    /// The time inbound requests are checked against (signature and token windows); a clock injected in tests.
    func now() -> Date
}
