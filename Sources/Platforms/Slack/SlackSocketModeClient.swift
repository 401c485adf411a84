import AsyncHTTPClient
import Foundation
import HummingbirdWSClient
import Logging
import NIOCore
import ServiceLifecycle
import Synchronization

/// Keeps a Socket Mode connection to Slack: opens it with `apps.connections.open` and the app token,
/// hands every envelope to `handle` once (acknowledging each, duplicates included), and reconnects
/// with backoff on `disconnect` or a dropped socket, asking for a fresh URL each time.
package struct SlackSocketModeClient: Service {
    package let apiBaseURL: String
    private let appToken: String
    private let httpClient: HTTPClient
    private let logger: Logger
    /// The first reconnect delay; it doubles up to `maxBackoff` and resets after a `hello`.
    package var initialBackoff: Duration = .seconds(1)
    package var maxBackoff: Duration = .seconds(30)
    /// Runs an envelope and returns the response payload for its acknowledgement, if any.
    private let handle: @Sendable (SocketModeEnvelope) async -> Data?
    private let connectionChanged: @Sendable (Bool) -> Void
    private let seen = RecentIDs(capacity: 10_000)

    package init(
        apiBaseURL: String,
        appToken: String,
        httpClient: HTTPClient,
        logger: Logger,
        connectionChanged: @escaping @Sendable (Bool) -> Void = { _ in },
        handle: @escaping @Sendable (SocketModeEnvelope) async -> Data?
    ) {
        self.apiBaseURL = apiBaseURL.hasSuffix("/") ? apiBaseURL : apiBaseURL + "/"
        self.appToken = appToken
        self.httpClient = httpClient
        self.logger = logger
        self.connectionChanged = connectionChanged
        self.handle = handle
    }

    /// Connects and reconnects until the calling task is cancelled.
    package func run() async {
        await Reconnecting.run(initial: initialBackoff, maximum: maxBackoff, logger: logger, name: "Socket Mode connection") {
            defer { connectionChanged(false) }
            return try await session(url: try await openConnection())
        }
        connectionChanged(false)
    }

    /// `apps.connections.open`: a fresh WebSocket URL (URLs refresh; one is never reused).
    func openConnection() async throws -> String {
        var request = HTTPClientRequest(url: apiBaseURL + "apps.connections.open")
        request.method = .POST
        request.headers.add(name: "Authorization", value: "Bearer \(appToken)")
        request.headers.add(name: "Content-Type", value: "application/x-www-form-urlencoded")
        let response = try await httpClient.execute(request, timeout: .seconds(10))
        let body = try await response.body.collect(upTo: 1 << 16)
        guard let answer = try? JSONDecoder().decode(ConnectionsOpenAnswer.self, from: Data(body.readableBytesView)), answer.ok,
            let url = answer.url
        else {
            throw SocketModeError.openFailed(status: Int(response.status.code), body: String(buffer: body).prefix(200).description)
        }
        return url
    }

    /// One connection, until Slack says `disconnect` or the socket drops. Returns whether `hello` came.
    private func session(url: String) async throws -> Bool {
        let greeted = Mutex(false)
        try await WebSocketClient.connect(url: url, logger: logger) { inbound, outbound, _ in
            for try await message in inbound.messages(maxSize: 1 << 20) {
                guard case .text(let text) = message else { continue }
                switch SocketModeFrame(text: text) {
                case .hello:
                    greeted.withLock { $0 = true }
                    connectionChanged(true)
                case .disconnect(let reason):
                    logger.info("Slack asked to reconnect", metadata: ["reason": "\(reason)"])
                    return
                case .envelope(let envelope):
                    // Delivery is at least once: a redelivered envelope is acknowledged again but not run twice.
                    let response = seen.insert(envelope.id) ? await handle(envelope) : nil
                    try await outbound.write(.text(envelope.acknowledgement(payload: response)))
                case .unknown:
                    continue
                }
            }
        }
        return greeted.withLock { $0 }
    }
}

/// Why a Socket Mode connection could not be opened.
package enum SocketModeError: Error, Equatable {
    case openFailed(status: Int, body: String)
}

/// `apps.connections.open`'s answer.
struct ConnectionsOpenAnswer: Decodable {
    var ok: Bool
    var url: String?
}
