import AsyncHTTPClient
import EtcdStore
import Foundation
import IncidentKit
import IncidentStore

/// `firebell migrate`: copies every channel's log, byte for byte, from one store to another (a data folder or etcd,
/// either way), and carries the incident ids over so none is given out again. The target must hold none of the
/// channels yet; stop Firebell on the source first.
package enum StoreMigration {
    /// A store named on the command line: a folder's path, or `etcd://host:port,host:port` (plain HTTP; an
    /// `etcd+https://` list for TLS).
    package enum Location: Sendable, Equatable, CustomStringConvertible {
        case folder(URL)
        case etcd(endpoints: [String], prefix: String)

        /// Reads a `--from`/`--to` argument; nil when an etcd list names no usable endpoint.
        package init?(_ argument: String, prefix: String = "/firebell/") {
            for (scheme, http) in [("etcd://", "http://"), ("etcd+https://", "https://")] where argument.hasPrefix(scheme) {
                let hosts = argument.dropFirst(scheme.count).split(separator: ",").map { http + $0.trimmingCharacters(in: .whitespaces) }
                guard let endpoints = EtcdClient.endpoints(hosts.joined(separator: ",")) else { return nil }
                self = .etcd(endpoints: endpoints, prefix: prefix)
                return
            }
            guard !argument.isEmpty else { return nil }
            self = .folder(URL(fileURLWithPath: argument))
        }

        package var description: String {
            switch self {
            case .folder(let url): url.path
            case .etcd(let endpoints, let prefix): "etcd \(endpoints.joined(separator: ",")) under \(prefix)"
            }
        }
    }

    /// What was copied.
    package struct Summary: Sendable, Equatable {
        package var channels = 0
        package var records = 0
        package var incidentIDs = 0
    }

    package static func copy(from source: Location, to target: Location, httpClient: HTTPClient) async throws(StoreError) -> Summary {
        guard source != target else { throw StoreError("--from and --to name the same store") }
        let logs = try await read(source, httpClient: httpClient)
        let codec = EventCodec()
        var ids: [IncidentID] = []
        var owners: [IncidentID: ChannelRef] = [:]
        for (channel, lines) in logs {
            for line in lines {
                guard let record = try? codec.record(from: line), case .declared = record.event, let id = record.incident else { continue }
                ids.append(id)
                owners[id] = channel
            }
        }
        var summary = Summary()
        switch target {
        case .folder(let url):
            let layout = DataLayout(root: url)
            for (channel, lines) in logs { try DataFolder.writeRawLog(layout, channel: channel, lines: lines) }
            try DataFolder.recordIncidentIDs(layout, seen: ids)
        case .etcd(let endpoints, let prefix):
            let client = EtcdClient(endpoints: endpoints, httpClient: httpClient)
            let keys = EtcdKeys(prefix: prefix)
            for (channel, lines) in logs { try await EtcdEventStore.writeRawLog(client: client, keys: keys, channel: channel, lines: lines) }
            try await EtcdEventStore.claim(ids, client: client, keys: keys) { owners[$0] }
        }
        summary.channels = logs.count
        summary.records = logs.reduce(0) { $0 + $1.lines.count }
        summary.incidentIDs = ids.count
        return summary
    }

    private static func read(_ location: Location, httpClient: HTTPClient) async throws(StoreError) -> [(channel: ChannelRef, lines: [Data])] {
        switch location {
        case .folder(let url):
            guard FileManager.default.fileExists(atPath: url.path) else { throw StoreError("\(url.path) does not exist") }
            return try DataFolder.rawLogs(DataLayout(root: url))
        case .etcd(let endpoints, let prefix):
            return try await EtcdEventStore.rawLogs(client: EtcdClient(endpoints: endpoints, httpClient: httpClient), keys: EtcdKeys(prefix: prefix))
        }
    }
}
