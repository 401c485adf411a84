import AsyncHTTPClient
import Foundation
import IncidentStore
import NIOCore
import NIOFoundationCompat
import NIOHTTP1
import Synchronization

/// Talks to an etcd cluster through its v3 JSON gateway (`POST /v3/…`), over AsyncHTTPClient.
///
/// A call goes to the endpoint that answered last; on a connection failure or an "unavailable" answer (no leader,
/// request timed out) it tries the next endpoint, and after a round of failures waits (50 ms doubling to 1 s) and goes
/// round again until `retryFor` has passed. Errors that retrying cannot fix (a request too large, a lease not found)
/// are thrown at once. A call that ends without any answer after a request may have reached etcd is reported as
/// `.indeterminate`: the write may have committed (callers that can read their write back do so).
package final class EtcdClient: Sendable {
    package let endpoints: [String]
    private let http: HTTPClient
    private let preferred = Mutex(0)
    /// How long one request may take.
    package let requestTimeout: TimeAmount
    /// How long a call keeps trying the endpoints before it gives up.
    package let retryFor: Duration

    /// - Parameter endpoints: base URLs, `http://h1:2379`.
    package init(endpoints: [String], httpClient: HTTPClient, requestTimeout: TimeAmount = .seconds(3), retryFor: Duration = .seconds(8)) {
        self.endpoints = endpoints.map { $0.hasSuffix("/") ? String($0.dropLast()) : $0 }
        http = httpClient
        self.requestTimeout = requestTimeout
        self.retryFor = retryFor
    }

    /// An HTTP client configuration for etcd: enough connections per member for the commands in flight (the
    /// default of 8 queues commands behind each other).
    package static var httpConfiguration: HTTPClient.Configuration {
        var configuration = HTTPClient.Configuration()
        configuration.connectionPool = .init(idleTimeout: .seconds(60), concurrentHTTP1ConnectionsPerHostSoftLimit: 64)
        return configuration
    }

    /// Parses `http://h1:2379,http://h2:2379` (the form `FIREBELL_ETCD_ENDPOINTS` takes); nil when any part is not an
    /// http(s) URL with a host.
    package static func endpoints(_ list: String) -> [String]? {
        let parts = list.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        guard !parts.isEmpty else { return nil }
        for part in parts {
            guard let url = URL(string: part), ["http", "https"].contains(url.scheme ?? ""), url.host != nil else { return nil }
        }
        return parts
    }

    package func range(_ request: EtcdRangeRequest) async throws(StoreError) -> EtcdRangeResponse {
        try await call("/v3/kv/range", request)
    }

    package func txn(_ request: EtcdTxnRequest) async throws(StoreError) -> EtcdTxnResponse {
        try await call("/v3/kv/txn", request)
    }

    package func put(_ key: Data, _ value: Data, lease: Int64? = nil) async throws(StoreError) {
        let _: EtcdIgnored = try await call("/v3/kv/put", EtcdPutRequest(key: key, value: value, lease: lease.map { EtcdInt($0) }))
    }

    /// Every key under `prefix`, read page by page at one revision; returns them with that revision.
    package func rangeAll(
        prefix: Data,
        keysOnly: Bool = false,
        pageSize: Int = 500
    ) async throws(StoreError) -> (kvs: [EtcdKeyValue], revision: Int64) {
        try await rangeAll(from: prefix, to: EtcdKeys.prefixEnd(prefix), keysOnly: keysOnly, pageSize: pageSize)
    }

    /// Every key in `[start, end)`, in key order, read page by page at one revision; returns them with that revision.
    package func rangeAll(
        from start: Data,
        to end: Data,
        keysOnly: Bool = false,
        pageSize: Int = 500
    ) async throws(StoreError) -> (
        kvs: [EtcdKeyValue], revision: Int64
    ) {
        var all: [EtcdKeyValue] = []
        var start = start
        var revision: Int64?
        while true {
            var request = EtcdRangeRequest(key: start, rangeEnd: end, limit: pageSize, revision: revision)
            if keysOnly { request.keys_only = true }
            let page = try await range(request)
            let kvs = page.kvs ?? []
            all += kvs
            revision = revision ?? page.header?.revision?.value ?? 0
            guard page.more == true, let last = kvs.last else { break }
            start = last.key + [0]
        }
        return (all, revision ?? 0)
    }

    /// Sends one request to the cluster and decodes its answer, trying other endpoints as described above.
    /// - Parameter retryFor: how long to keep trying (nil: the client's `retryFor`).
    package func call<Response: Decodable>(_ path: String, _ body: some Encodable, retryFor: Duration? = nil) async throws(StoreError) -> Response {
        let retryFor = retryFor ?? self.retryFor
        let payload: Data
        do { payload = try JSONEncoder().encode(body) } catch { throw StoreError("Could not encode an etcd request: \(error)") }
        let started = ContinuousClock.now
        var backoff = Duration.milliseconds(50)
        var mayHaveReached = false
        var lastFailure = "no endpoint"
        while true {
            let first = preferred.withLock { $0 }
            for offset in 0..<endpoints.count {
                let index = (first + offset) % endpoints.count
                switch await attempt(endpoints[index], path, payload) {
                case .answered(let data):
                    preferred.withLock { $0 = index }
                    do { return try JSONDecoder().decode(Response.self, from: data) } catch {
                        throw StoreError("etcd's answer to \(path) could not be read: \(error)", cause: "etcd's answer could not be read")
                    }
                case .refused(let failure):
                    throw failure
                case .unavailable(let reason, let reached):
                    lastFailure = "\(endpoints[index]): \(reason)"
                    mayHaveReached = mayHaveReached || reached
                }
            }
            if ContinuousClock.now - started + backoff > retryFor {
                let message = "etcd did not answer \(path) within \(retryFor) (\(lastFailure))"
                if mayHaveReached { throw StoreError(message, cause: "etcd has no quorum or cannot be reached", kind: .indeterminate) }
                throw StoreError(message, cause: "etcd has no quorum or cannot be reached")
            }
            try? await Task.sleep(for: backoff)
            backoff = min(backoff * 2, .seconds(1))
        }
    }

    /// How one request to one endpoint ended.
    private enum Attempt {
        case answered(Data)
        /// etcd refused it for a reason another endpoint would give too.
        case refused(StoreError)
        /// The endpoint could not serve it now; `reached`: the request may have been applied.
        case unavailable(String, reached: Bool)
    }

    private func attempt(_ endpoint: String, _ path: String, _ payload: Data) async -> Attempt {
        var request = HTTPClientRequest(url: endpoint + path)
        request.method = .POST
        request.headers.add(name: "Content-Type", value: "application/json")
        request.body = .bytes(ByteBuffer(data: payload))
        let status: HTTPResponseStatus
        let data: Data
        do {
            let response = try await http.execute(request, timeout: requestTimeout)
            status = response.status
            data = Data(buffer: try await response.body.collect(upTo: 16 << 20))
        } catch {
            return .unavailable("\(error)", reached: !Self.isConnectFailure(error))
        }
        if status == .ok { return .answered(data) }
        let body = try? JSONDecoder().decode(EtcdErrorBody.self, from: data)
        let reason = body?.error ?? body?.message ?? "HTTP \(status.code)"
        switch body?.code {
        case 14?, 4?, 13?, 10?:
            // Unavailable (no leader, a timed-out proposal), deadline exceeded, internal, aborted: another endpoint, or
            // a moment later, may do. A timed-out proposal may still commit.
            return .unavailable(reason, reached: reason.contains("timed out") || body?.code == 4)
        default:
            if status.code >= 500 { return .unavailable(reason, reached: true) }
            return .refused(StoreError("etcd refused \(path): \(reason) (HTTP \(status.code))", cause: "etcd refused it: \(reason)"))
        }
    }

    /// Whether the error happened before the request left (nothing can have been applied).
    private static func isConnectFailure(_ error: any Error) -> Bool {
        if let client = error as? HTTPClientError, client == .connectTimeout { return true }
        let text = String(describing: error).lowercased()
        return text.contains("connection refused") || text.contains("connectionrefused") || text.contains("connecttimeout")
    }

    /// Opens a streaming request (a watch) on the endpoint that answered last, or the next that accepts it; the
    /// stream ends at `deadline`.
    package func stream(_ path: String, _ body: some Encodable, deadline: NIODeadline) async throws(StoreError) -> HTTPClientResponse {
        let payload: Data
        do { payload = try JSONEncoder().encode(body) } catch { throw StoreError("Could not encode an etcd request: \(error)") }
        let first = preferred.withLock { $0 }
        var lastFailure = "no endpoint"
        for offset in 0..<endpoints.count {
            let index = (first + offset) % endpoints.count
            var request = HTTPClientRequest(url: endpoints[index] + path)
            request.method = .POST
            request.headers.add(name: "Content-Type", value: "application/json")
            request.body = .bytes(ByteBuffer(data: payload))
            do {
                let response = try await http.execute(request, deadline: deadline)
                if response.status == .ok { return response }
                lastFailure = "\(endpoints[index]): HTTP \(response.status.code)"
            } catch {
                lastFailure = "\(endpoints[index]): \(error)"
            }
        }
        throw StoreError("could not open \(path) on any etcd endpoint (\(lastFailure))", cause: "etcd cannot be reached")
    }
}
