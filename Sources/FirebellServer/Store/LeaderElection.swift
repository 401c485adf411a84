import EtcdStore
import Foundation
import Logging
import ServiceLifecycle
import Synchronization

/// On a cluster, the timers run on one replica only: the one etcd elects (``EtcdElection``). Every replica serves
/// commands; when the leader dies its lease expires and another replica starts the timers within the lease's TTL.
/// A timer fired twice across a handover is still recorded once: firing is a transaction, and the second replica's
/// append conflicts, reads the first one's records and finds nothing left due.
struct LeaderElection: Service {
    let service: IncidentService
    let election: EtcdElection
    let metrics: FirebellMetrics
    let logger: Logger

    func run() async {
        metrics.leader(false)
        let timers = Mutex<Task<Void, Never>?>(nil)
        let service = service
        let metrics = metrics
        let logger = logger
        let identity = election.identity
        await election.run { leads in
            metrics.leader(leads)
            logger.info(leads ? "elected leader: running the timers" : "no longer leader: timers stopped", metadata: ["replica": "\(identity)"])
            let previous = timers.withLock { task in
                defer { task = leads ? Task { await TimerLoop(service: service).run() } : nil }
                return task
            }
            previous?.cancel()
        }
        timers.withLock { $0?.cancel() }
    }
}
