import Foundation
import IncidentStore
import Synchronization

/// Leader election over etcd: the Go client's `concurrency` election, translated to the JSON gateway.
///
/// A candidate holds a lease (kept alive every third of its TTL, one request each, since the gateway buffers a
/// request's whole body) and a key `<prefix><lease id in hex>` bound to it. The key created first (lowest
/// create revision) is the leader; the others wait until every older key is gone: deleted when its holder resigns
/// (revoking its lease on shutdown) or when etcd expires the lease of a holder that died. A leader that cannot renew
/// its lease (an answer without a TTL, or no answer for longer than its TTL less a second) stops acting at once and
/// campaigns again with a new lease.
package final class EtcdElection: Sendable {
    package let client: EtcdClient
    /// Every candidate's key starts with this (`/firebell/leader/`).
    package let prefix: Data
    /// The lease's time to live, in seconds: how long a dead leader keeps the post.
    package let ttl: Int
    /// What the leader's key holds (the replica's name), for `etcdctl` readers.
    package let identity: String
    /// How often a waiting candidate looks whether the keys before its own are gone.
    package let pollInterval: Duration

    package init(client: EtcdClient, keys: EtcdKeys, ttl: Int = 10, identity: String, pollInterval: Duration = .milliseconds(200)) {
        self.client = client
        prefix = Data((keys.prefix + "leader/").utf8)
        self.ttl = max(ttl, 2)
        self.identity = identity
        self.pollInterval = pollInterval
    }

    /// Campaigns, leads while the lease holds, and campaigns again after losing it, until the task is cancelled;
    /// `onChange` hears each change (`true`: elected, `false`: no longer leader). On cancellation a leader resigns (its
    /// lease is revoked, so another replica takes over at once).
    package func run(onChange: @Sendable (Bool) async -> Void) async {
        var backoff = Duration.milliseconds(200)
        while !Task.isCancelled {
            var lease: Int64?
            do {
                let granted = try await grant()
                lease = granted
                let lost = Atomic(false)
                let keeper = Task { await keepAlive(granted, lost: lost) }
                defer { keeper.cancel() }
                let revision = try await campaign(granted)
                try await waitForTurn(revision, lost: lost)
                await onChange(true)
                // Leads until the lease is lost, or until shutdown (which stops the keep-alives and resigns below).
                await withTaskCancellationHandler {
                    await keeper.value
                } onCancel: {
                    keeper.cancel()
                }
                await onChange(false)
                backoff = .milliseconds(200)
            } catch {
                try? await Task.sleep(for: backoff)
                backoff = min(backoff * 2, .seconds(2))
            }
            // Resigns, so another candidate leads at once instead of after the TTL; not cancelled with this task.
            if let lease { await Task { try? await revoke(lease) }.value }
        }
    }

    private struct LostLeadership: Error {}

    private func grant() async throws(StoreError) -> Int64 {
        let answer: EtcdLeaseGrantResponse = try await client.call("/v3/lease/grant", EtcdLeaseGrantRequest(TTL: EtcdInt(Int64(ttl))))
        guard let id = answer.ID?.value else { throw StoreError("etcd granted a lease without an id") }
        return id
    }

    private func revoke(_ lease: Int64) async throws(StoreError) {
        let _: EtcdIgnored = try await client.call("/v3/lease/revoke", EtcdLeaseRequest(ID: EtcdInt(lease)))
    }

    /// The candidate's key, created with the lease unless it exists; returns its create revision.
    private func campaign(_ lease: Int64) async throws(StoreError) -> Int64 {
        let key = prefix + Data(String(lease, radix: 16).utf8)
        let response = try await client.txn(
            EtcdTxnRequest(
                compare: [.absent(key)],
                success: [.put(key, Data(identity.utf8), lease: lease)],
                failure: [.range(EtcdRangeRequest(key: key))]
            )
        )
        if response.succeeded == true, let revision = response.header?.revision?.value { return revision }
        guard let existing = response.responses?.first?.response_range?.kvs?.first?.create_revision?.value else {
            throw StoreError("etcd did not say when the candidate's key was created")
        }
        return existing
    }

    /// Returns once no candidate's key is older than ours (we lead); throws if our lease is lost meanwhile.
    private func waitForTurn(_ revision: Int64, lost: borrowing Atomic<Bool>) async throws {
        while true {
            if lost.load(ordering: .relaxed) || Task.isCancelled { throw LostLeadership() }
            var older = EtcdRangeRequest(key: prefix, rangeEnd: EtcdKeys.prefixEnd(prefix), limit: 1)
            older.max_create_revision = EtcdInt(revision - 1)
            older.sort_order = "DESCEND"
            older.sort_target = "CREATE"
            older.keys_only = true
            if (try await client.range(older).kvs ?? []).isEmpty { return }
            try await Task.sleep(for: pollInterval)
        }
    }

    /// Renews the lease every third of its TTL until it is lost (or the task is cancelled), then sets `lost`.
    private func keepAlive(_ lease: Int64, lost: borrowing Atomic<Bool>) async {
        var renewed = ContinuousClock.now
        let period = Duration.milliseconds(ttl * 1000 / 3)
        while !Task.isCancelled {
            try? await Task.sleep(for: period)
            if Task.isCancelled { break }
            do {
                let answer: EtcdKeepAliveFrame = try await client.call("/v3/lease/keepalive", EtcdLeaseRequest(ID: EtcdInt(lease)), retryFor: period)
                guard answer.result?.TTL != nil else { break }  // expired: etcd has deleted our key
                renewed = ContinuousClock.now
            } catch {
                // Stop acting while etcd may still count us as leader, never after it may not.
                if ContinuousClock.now - renewed > .seconds(ttl - 1) { break }
            }
        }
        lost.store(true, ordering: .relaxed)
    }
}
