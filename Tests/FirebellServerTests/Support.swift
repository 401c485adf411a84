import AsyncHTTPClient
import FirebellServer
@_exported import FirebellTestSupport
import Foundation
import IncidentKit
import Logging
import Platforms
import Synchronization
import Testing

/// Collects everything a console session prints.
final class Transcript: Sendable {
    private let lines = Mutex<[String]>([])

    var output: ConsoleOutput { ConsoleOutput { text in self.lines.withLock { $0.append(text) } } }
    var text: String { lines.withLock { $0.joined(separator: "\n") } }
    var blocks: [String] { lines.withLock { $0 } }
    func clear() { lines.withLock { $0.removeAll() } }
}

func quietLogger() -> Logger {
    var logger = Logger(label: "test")
    logger.logLevel = .critical
    return logger
}

/// Runs `body` with an HTTP client that is shut down afterwards, whatever happens.
func withHTTPClient<T: Sendable>(_ body: (HTTPClient) async throws -> T) async throws -> T {
    let client = HTTPClient(eventLoopGroupProvider: .singleton)
    do {
        let value = try await body(client)
        try await client.shutdown()
        return value
    } catch {
        try? await client.shutdown()
        throw error
    }
}

/// Delivery paced for tests: a few milliseconds between posts instead of Slack's one second.
func quickDelivery() -> DeliveryPolicy {
    var policy = DeliveryPolicy()
    policy.minimumInterval = .milliseconds(5)
    policy.backoffBase = .milliseconds(20)
    return policy
}

/// Polls a real outside process (a homeserver, Alertmanager) until `condition` holds, for at most 30 s.
func eventually(_ what: String, within limit: Duration = .seconds(30), _ condition: () async throws -> Bool) async throws {
    let deadline = ContinuousClock.now + limit
    while ContinuousClock.now < deadline {
        if (try? await condition()) == true { return }
        try await Task.sleep(for: .milliseconds(100))
    }
    Issue.record("timed out waiting until \(what)")
    throw CancellationError()
}

extension Answer {
    /// New messages in the channel the transaction ran in (the incident channel), in order.
    var posts: [OutboundMessage] { messages.filter { $0.placement != nil && $0.channel == $0.effect?.channel } }

    /// New messages the transaction posts in `channel` (not edits, replies or PagerDuty events).
    func posts(in channel: ChannelRef) -> [OutboundMessage] {
        messages.filter { $0.channel == channel && $0.placement != nil }
    }

    /// New messages for other channels than `own`, grouped by channel in order of first appearance.
    func audiencePosts(excluding own: ChannelRef) -> [(channel: ChannelRef, posts: [OutboundMessage])] {
        var order: [ChannelRef] = []
        var groups: [ChannelRef: [OutboundMessage]] = [:]
        for message in messages where message.channel != own && message.placement != nil {
            if groups[message.channel] == nil { order.append(message.channel) }
            groups[message.channel, default: []].append(message)
        }
        return order.map { ($0, groups[$0]!) }
    }
}

extension IncidentService {
    /// Runs command text as `actor` in `channel`, answered to the caller.
    func run(_ arguments: String, in channel: ChannelRef, as actor: String) async -> Answer {
        await transactValid(.command(InboundCommand(channel: channel, actor: UserRef(actor), arguments: arguments)))
    }

    /// Runs an input whose ids keep the rule; a refused id fails the test.
    func transactValid(_ input: ChannelInput) async -> Answer {
        do { return try await transact(input) } catch {
            Issue.record("refused a valid id: \(error)")
            return .failed("invalid", "\(error)")
        }
    }
}

/// Collects what transactions hand to delivery, in order.
final class RecordingSink: EffectSink {
    private let collected = Mutex<[OutboundMessage]>([])

    var messages: [OutboundMessage] { collected.withLock { $0 } }

    func accept(_ messages: [OutboundMessage], transactionEnd: Int, from channel: ChannelRef) {
        collected.withLock { $0 += messages }
    }

    func reply(_ message: OutboundMessage) { collected.withLock { $0.append(message) } }
}

extension OutboundMessage {
    /// A page or an on-call handover note: in the channel itself, mentioning someone.
    var isPage: Bool { placement == .channel && (text.hasPrefix("📟") || text.hasPrefix("🤝")) }
}

extension FirebellConfiguration {
    /// The defaults without war rooms: tests that are not about them keep every incident in the channel where it was
    /// declared (the stand-ins of those tests do not create channels).
    static func inPlace(_ folder: URL) -> FirebellConfiguration {
        var configuration = FirebellConfiguration(dataDirectory: folder)
        configuration.engine.warRooms.severities = []
        return configuration
    }
}
