import Foundation
import IncidentKit
import IncidentStore

/// Following a shared store (etcd): folding what other replicas append, from the watch or on a conflict, and
/// (while this replica leads) planning the effects of their transactions.
extension ChannelRuntime {
    /// Folds what other writers appended to the channel since this runtime's last record (read from the store),
    /// and tells the read model and the timers.
    func catchUp(now: Date) async throws(StoreError) {
        let newer = try await storage.records(after: state.lastSequence)
        await apply(newer, now: now)
    }

    /// Folds records another replica committed (seen on the store's watch), in its turn; records it has already are
    /// skipped, and a gap is filled from the store.
    func follow(_ records: [EventRecord], now: Date) async {
        await takeTurn()
        defer { endTurn() }
        readSnapshotIfUnread(now: now)
        guard unavailableReason == nil else { return }
        let fresh = records.filter { $0.sequence > state.lastSequence }
        guard let first = fresh.first else { return }
        if first.sequence == state.lastSequence + 1 {
            await apply(fresh, now: now)
        } else {
            await catchUpOrLog(now: now)
        }
    }

    /// Catches up with the store in its turn.
    func refresh(now: Date) async {
        await takeTurn()
        defer { endTurn() }
        readSnapshotIfUnread(now: now)
        guard unavailableReason == nil else { return }
        await catchUpOrLog(now: now)
    }

    /// Catches up; a store that cannot be read now is logged (the next append's conflict, or the next watch, retries).
    func catchUpOrLog(now: Date) async {
        do { try await catchUp(now: now) } catch {
            dependencies.logger.error("could not read a channel's new records", metadata: ["channel": "\(channel)", "error": "\(error)"])
        }
    }

    /// Applies records appended elsewhere, whole transactions in order, stopping at the first that does not follow on;
    /// while this replica delivers (it leads), their effects are planned and handed to delivery, as its own are.
    func apply(_ newer: [EventRecord], now: Date) async {
        await resumeDeliveriesIfNeeded()
        let delivering = (dependencies.sink as? any DeliveryRecovery)?.delivers(to: channel) == true
        var applied: [EventRecord] = []
        for transaction in EventRecord.transactions(in: newer) {
            guard let first = transaction.first, first.sequence == state.lastSequence + 1 else { break }
            let before = state
            for record in transaction {
                state.apply(record)
                if case .declared = record.event, let id = record.incident { dependencies.ids.observe(id) }
            }
            applied += transaction
            if delivering {
                let messages = plannedMessages(Array(transaction), before: before, at: first.at, responseURL: nil)
                dependencies.sink?.accept(messages, transactionEnd: state.lastSequence, from: channel)
            }
        }
        guard !applied.isEmpty else { return }
        snapshotIsCurrent = false
        if dependencies.readModel.contains(channel) {
            dependencies.readModel.apply(channel, state: state, committed: applied)
        } else {
            await publishWhole(now: now)
        }
        publishDeadline(now: now)
    }
}
