import EtcdStore
import Foundation
import Platforms

/// `store: files|etcd`, `etcd_endpoints` (a list, or `http://h1:2379,http://h2:2379`), `etcd_prefix` and
/// `etcd_lease_ttl`, or `FIREBELL_STORE`, `FIREBELL_ETCD_ENDPOINTS`, `FIREBELL_ETCD_PREFIX`, `FIREBELL_ETCD_LEASE_TTL`;
/// read beside the settings they set.
extension StoreSettings {
    static let configurationKeys = ["store", "etcd_endpoints", "etcd_prefix", "etcd_lease_ttl"]

    mutating func configure(_ map: [String: Any], from name: String, reader: ConfigurationReader) throws(ConfigurationError) {
        if let value = map["store"] {
            let text = try reader.string(value, at: "\(name): store")
            guard let kind = Kind(rawValue: text.lowercased()) else {
                throw ConfigurationError("\(name): store '\(text)' is not a store; write files (the data folder) or etcd.")
            }
            self.kind = kind
        }
        if let value = map["etcd_endpoints"] {
            let parts =
                value is [Any]
                ? try reader.stringList(value, at: "\(name): etcd_endpoints") : [try reader.string(value, at: "\(name): etcd_endpoints")]
            guard let endpoints = EtcdClient.endpoints(parts.joined(separator: ",")) else {
                throw ConfigurationError(
                    "\(name): etcd_endpoints must be http(s) URLs of etcd's members, e.g. http://10.0.0.1:2379,http://10.0.0.2:2379."
                )
            }
            etcdEndpoints = endpoints
        }
        if let value = map["etcd_prefix"] {
            let prefix = try reader.string(value, at: "\(name): etcd_prefix")
            guard !prefix.isEmpty, !prefix.contains(where: \.isNewline) else {
                throw ConfigurationError("\(name): etcd_prefix must be a key prefix such as /firebell/.")
            }
            etcdPrefix = prefix.hasSuffix("/") ? prefix : prefix + "/"
        }
        if let value = map["etcd_lease_ttl"] {
            let span = try reader.span(try reader.string(value, at: "\(name): etcd_lease_ttl"), at: "\(name): etcd_lease_ttl")
            guard span.seconds >= 2, span.seconds <= 300 else {
                throw ConfigurationError("\(name): etcd_lease_ttl must be from 2s to 5m (how long the timers wait after the leader dies).")
            }
            leaseTTL = Int(span.seconds)
        }
        if kind == .etcd, etcdEndpoints.isEmpty {
            throw ConfigurationError("\(name): store etcd needs etcd_endpoints (FIREBELL_ETCD_ENDPOINTS=http://h1:2379,http://h2:2379).")
        }
    }
}
