import EtcdStore
import Foundation
import IncidentKit
import IncidentStore
import Logging
import ServiceLifecycle

/// Keeps this replica's folds current with what every replica commits to etcd: watches the logs' prefix and folds each
/// channel's new records, so views, the status page, insights and timers here show what was committed anywhere.
struct StoreFollower: Service {
    let service: IncidentService
    let store: EtcdEventStore
    let logger: Logger

    func run() async {
        let service = service
        let store = store
        let logger = logger
        await store.followLogs(
            after: store.openedAt,
            deliver: { channel, records in await service.follow(records, in: channel) },
            resync: { () throws(StoreError) -> Int64 in
                logger.warning("etcd compacted past the watch; reading every channel's new records")
                let (sequences, revision) = try await store.lastSequences()
                for (channel, last) in sequences where await service.lastSequence(of: channel) < last {
                    await service.catchUp(channel)
                }
                return revision
            }
        )
    }
}
