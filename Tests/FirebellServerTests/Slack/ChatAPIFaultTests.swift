import AsyncHTTPClient
import Foundation
import Hummingbird
import HummingbirdTesting
import IncidentKit
import Messaging
import NIOCore
import Platforms
import Testing

@testable import FirebellServer

/// The outbox against the Slack Web API stand-in failing at random: 500s, 429s with Retry-After, answers slower
/// than the client waits, and connections dropped mid-answer, at a configurable rate.
@Suite("Chat API faults", .timeLimit(.minutes(2)))
struct ChatAPIFaultTests {
    static let channels = ["C1", "C2", "C3", "C4"]
    static let perChannel = 12
    static let requestTimeout = Duration.seconds(5)

    func policy() -> DeliveryPolicy {
        var policy = DeliveryPolicy()
        policy.minimumInterval = .milliseconds(5)
        policy.backoffBase = .milliseconds(60)
        policy.backoffCap = .milliseconds(240)
        policy.retryAfterCap = .milliseconds(150)
        // Generous next to the stand-in's normal answer, so a machine that stalls for seconds under a loaded test run
        // does not time out on a call it then sees answered (a refusal taken for a passing failure is tried again);
        // the slow fault answers a second after it.
        policy.requestTimeout = Self.requestTimeout
        return policy
    }

    @Test(arguments: [(0.3, UInt64(1)), (0.5, UInt64(2))])
    func nothingQueuedIsLostOrderHoldsRetriesBackOffAndPermanentErrorsStop(rate: Double, seed: UInt64) async throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let standIn = SlackStandIn(
            faultRate: rate,
            choices: [.serverError, .rateLimited(retryAfter: 1), .slow(Self.requestTimeout + .seconds(1)), .dropped],
            seed: seed,
            missingChannels: ["C0GONE"]
        )
        try await standIn.application().test(.live) { standInClient in
            try await withHTTPClient { client in
                let policy = policy()
                let api = SlackWebAPI(
                    baseURL: "http://127.0.0.1:\(standInClient.port!)/api/",
                    token: "xoxb-test",
                    client: client,
                    timeout: TimeAmount(Self.requestTimeout)
                )
                let outbox = OutboxDispatcher(dataDirectory: folder.url, deliveries: [.slack: api], policy: policy, logger: quietLogger())
                for round in 1...Self.perChannel {
                    for channel in Self.channels + ["C0GONE"] {
                        let source = ChannelRef(platform: .slack, workspace: "T1", channel: channel)
                        let id = EffectID(channel: source, sequence: round, index: 0)
                        outbox.accept(
                            [
                                OutboundMessage(
                                    effect: id,
                                    key: id.key,
                                    channel: source,
                                    incident: nil,
                                    text: "\(channel) message \(round)",
                                    kind: .post(.channel),
                                    plannedAt: Date()
                                )
                            ],
                            transactionEnd: round,
                            from: source
                        )
                    }
                }
                #expect(await outbox.flush(timeout: .seconds(90)))
                #expect(outbox.depth() == 0)
                outbox.stop()
            }
        }
        let calls = await standIn.calls
        #expect(calls.contains { $0.answered == "dropped" } && calls.contains { $0.answered == "500" }, "the faults happened")
        for channel in Self.channels {
            let shown = await standIn.shown(in: channel)
            #expect(shown == (1...Self.perChannel).map { "\(channel) message \($0)" }, "every message once, in order, in \(channel)")
            let attempts = calls.filter { $0.json["channel"] == channel && $0.method == "chat.postMessage" }
            for (failed, retry) in zip(attempts, attempts.dropFirst()) where ["500", "dropped"].contains(failed.answered) {
                // The first retry waits at least half the 60 ms base (the jitter), against 5 ms between good posts.
                #expect(retry.at - failed.at >= .milliseconds(25), "a retry backs off in \(channel)")
            }
            for (limited, retry) in zip(attempts, attempts.dropFirst()) where limited.answered == "429" {
                #expect(retry.at - limited.at >= .milliseconds(140), "Retry-After (capped at 150 ms here) is waited out")
            }
        }
        let refused = calls.filter { $0.json["channel"] == "C0GONE" }
        for round in 1...Self.perChannel {
            let tries = refused.filter { $0.json["text"] == "C0GONE message \(round)" }
            #expect(
                tries.filter { $0.answered == "channel_not_found" }.count == 1 && tries.last?.answered == "channel_not_found",
                "refused for good once, and never tried again: \(tries.map(\.answered))"
            )
        }
    }
}
