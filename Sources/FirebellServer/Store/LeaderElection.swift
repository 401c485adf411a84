import EtcdStore
import Foundation
import Logging
import ServiceLifecycle
import Synchronization

/// On a cluster, one replica runs the timers and delivers every post: the one etcd elects (``EtcdElection``). Every
/// replica serves commands; the leader plans the effects of every transaction, its own and (as it follows the log)
/// the others', and delivers them. When it is elected it reads delivery's bookkeeping from etcd (what earlier
/// leaders settled) and hands delivery what the logs still owe; when it dies its lease expires and another replica
/// takes over within the lease's TTL. A timer fired twice across a handover is still recorded once: firing is a
/// transaction, and the second replica's append conflicts, reads the first one's records and finds nothing due.
struct LeaderElection: Service {
    let service: IncidentService
    let outbox: OutboxDispatcher
    let store: EtcdEventStore
    let election: EtcdElection
    let writer: EtcdLedgerWriter
    let metrics: FirebellMetrics
    let logger: Logger

    func run() async {
        metrics.leader(false)
        let timers = Mutex<Task<Void, Never>?>(nil)
        let identity = election.identity
        await election.run { [service, outbox, logger, metrics] leads in
            metrics.leader(leads)
            logger.info(leads ? "elected leader: delivering and running the timers" : "no longer leader", metadata: ["replica": "\(identity)"])
            if leads {
                await takeOverDelivery()
            } else {
                outbox.deactivate()
            }
            let previous = timers.withLock { task in
                defer { task = leads ? Task { await TimerLoop(service: service).run() } : nil }
                return task
            }
            previous?.cancel()
        }
        timers.withLock { $0?.cancel() }
        outbox.deactivate()
    }

    /// Reads what earlier leaders settled, starts delivering, and hands delivery what the logs still owe.
    private func takeOverDelivery() async {
        service.beginDeliveryEpoch()
        for attempt in 1...5 {
            do {
                let bookkeeping = try await EtcdBookkeeping.load(client: store.client, keys: store.keys, writer: writer)
                metrics.damagedLedgerLines(try outbox.activate(bookkeeping, lastSequences: await service.lastSequences()))
                // A baseline written by this activation is in etcd before anything is delivered against it.
                await writer.drain()
                await service.resumeDeliveries()
                return
            } catch {
                logger.error("could not read delivery's bookkeeping from etcd", metadata: ["attempt": "\(attempt)", "error": "\(error)"])
                try? await Task.sleep(for: .milliseconds(500 * attempt))
            }
        }
    }
}
