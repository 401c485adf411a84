import AsyncHTTPClient
import EtcdStore
import Foundation
import IncidentStore

/// Where Firebell keeps its events: the data folder (the default: nothing to run) or an etcd cluster, which lets
/// several replicas serve the same channels.
package struct StoreSettings: Sendable, Equatable {
    package enum Kind: String, Sendable {
        /// JSON-lines logs in the data folder.
        case files
        /// Keys in etcd, through its v3 JSON gateway.
        case etcd
    }

    package var kind = Kind.files
    /// Base URLs of etcd's members, `http://h1:2379`.
    package var etcdEndpoints: [String] = []
    /// Every key Firebell writes starts with this.
    package var etcdPrefix = "/firebell/"
    /// The leader's lease, in seconds (`etcd_lease_ttl`): how long the timers wait after their replica dies.
    package var leaseTTL = 10
    /// This replica's name in the leader's key (`FIREBELL_REPLICA`, else the host name and process id).
    package var replicaName = ProcessInfo.processInfo.environment["FIREBELL_REPLICA"] ?? "\(ProcessInfo.processInfo.hostName)-\(getpid())"

    package init() {}

    /// etcd at `endpoints`, under `prefix`.
    package static func etcd(_ endpoints: [String], prefix: String = "/firebell/") -> StoreSettings {
        var settings = StoreSettings()
        settings.kind = .etcd
        settings.etcdEndpoints = endpoints
        settings.etcdPrefix = prefix
        return settings
    }

    /// Opens etcd and reads every channel's log from it; nil for the data folder, which the service opens itself.
    package func open(httpClient: HTTPClient) async throws(StoreError) -> OpenedStore? {
        guard kind == .etcd else { return nil }
        let client = EtcdClient(endpoints: etcdEndpoints, httpClient: httpClient)
        return try await EtcdEventStore.open(client: client, keys: EtcdKeys(prefix: etcdPrefix))
    }
}
