import Foundation
import Platforms

/// The HTTP server's limits as top-level keys (`FIREBELL_HTTP_MAX_CONNECTIONS`, `FIREBELL_HTTP_HEADER_TIMEOUT=10s`, …),
/// read beside the limits they set.
extension HTTPLimits {
    static let configurationKeys = ["http_max_connections", "http_header_timeout", "http_body_timeout", "http_idle_timeout"]

    mutating func configure(_ map: [String: Any], from name: String, reader: ConfigurationReader) throws(ConfigurationError) {
        if let value = map["http_max_connections"] {
            guard let count = Int(try reader.string(value, at: "\(name): http_max_connections")), (1...1_000_000).contains(count) else {
                throw ConfigurationError("\(name): http_max_connections must be a number of connections, at least 1.")
            }
            maxConnections = count
        }
        func timeout(_ key: String) throws(ConfigurationError) -> Duration? {
            guard let value = map[key] else { return nil }
            let span = try reader.span(try reader.string(value, at: "\(name): \(key)"), at: "\(name): \(key)")
            guard span.seconds >= 1, span.seconds <= 3600 else { throw ConfigurationError("\(name): \(key) must be from 1s to 1h.") }
            return .seconds(span.seconds)
        }
        if let header = try timeout("http_header_timeout") { headerTimeout = header }
        if let body = try timeout("http_body_timeout") { bodyTimeout = body }
        if let idle = try timeout("http_idle_timeout") { idleTimeout = idle }
    }
}
