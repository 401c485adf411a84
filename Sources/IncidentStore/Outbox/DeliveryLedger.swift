import Foundation
import IncidentKit

/// How delivery ended for one effect.
package enum DeliveryOutcome: String, Codable, Sendable {
    case delivered
    /// The platform refused it for good (unknown channel, bot not invited, bad token): not retried.
    case failed
}

/// Where an incident's headline post landed in one conversation.
package struct HeadlineKey: Codable, Hashable, Sendable {
    package var channel: ChannelRef
    package var incident: IncidentID

    package init(channel: ChannelRef, incident: IncidentID) {
        self.channel = channel
        self.incident = incident
    }
}

/// What delivery has done with one channel's effects, beside its log in `delivered/…/<channel>.jsonl`.
///
/// The outbox is a projection of the log: the effects of a logged transaction are planned again from the log at
/// start-up, and this ledger says which of them are settled already. Nothing is written here before a command is
/// answered; a line is written (and synced) after each delivery. A line says either that one effect is settled, or
/// (after compaction) that every effect up to a sequence is. A damaged line costs only itself; at worst an effect is
/// delivered again, which the platforms' idempotency keys and look-ups absorb.
package final class DeliveryLedger: @unchecked Sendable {
    struct Settlement: Codable {
        var seq: Int
        var index: Int
        var outcome: DeliveryOutcome
        var reference: String?
        var headline: HeadlineKey?
        var at: Date
    }

    struct Through: Codable {
        var through: Int
        var headlines: [HeadlineEntry]
    }

    struct HeadlineEntry: Codable {
        var key: HeadlineKey
        var reference: String
    }

    package let channel: ChannelRef
    private let journal: any LedgerJournal
    /// Guards the state below, briefly: never held across a write to the journal, because a transaction takes it
    /// (``expect(_:transactionEnd:)``) in its channel's turn, and every command of the channel waits for that.
    private let lock = NSLock()
    /// Held across each write to the journal (a settlement's line and its sync, or a compaction), so lines go in
    /// one at a time and a settlement is decided and written as one step. Readers that must not see a settlement
    /// half-way (``isSettled(_:)``) take it too; the transaction's ``expect(_:transactionEnd:)`` does not.
    private let writing = NSLock()
    /// Every effect of a transaction starting at or below this sequence is settled.
    private var through: Int
    private var settled: Set<Key> = []
    /// Where this channel's incidents' headline posts landed, in every conversation they went to.
    package private(set) var headlines: [HeadlineKey: String] = [:]
    /// Effects handed to delivery by this process and not settled yet, by transaction.
    private var outstanding: [Int: Set<Int>] = [:]
    /// The last sequence of the newest transaction handed to the ledger.
    private var lastPlanned: Int
    private var linesSinceCompaction = 0
    /// Lines that could not be read (skipped).
    package let damagedLines: Int

    private struct Key: Hashable {
        let sequence: Int
        let index: Int
    }

    /// Compaction rewrites the file once nothing is outstanding and it holds this many settlements.
    static let compactAfterLines = 64
    /// How many headline references compaction keeps (the newest incidents').
    static let keptHeadlines = 400

    /// Opens the ledger in its file; a torn last line is cut, damaged lines are skipped.
    package convenience init(channel: ChannelRef, url: URL) throws(StoreError) {
        try self.init(channel: channel, journal: FileLedgerJournal(url: url))
    }

    /// Opens the ledger kept in `journal`; a torn last line is cut, damaged lines are skipped.
    package init(channel: ChannelRef, journal: any LedgerJournal) throws(StoreError) {
        self.channel = channel
        self.journal = journal
        var through = 0
        var damaged = 0
        var goodLength = 0
        let contents = journal.contents()
        let decoder = EventCodec.decoder()
        var start = contents.startIndex
        while start < contents.endIndex, let newline = contents[start...].firstIndex(of: 0x0A) {
            let line = contents[start..<newline]
            if let settlement = try? decoder.decode(Settlement.self, from: line) {
                settled.insert(Key(sequence: settlement.seq, index: settlement.index))
                if let headline = settlement.headline, let reference = settlement.reference { headlines[headline] = reference }
            } else if let mark = try? decoder.decode(Through.self, from: line) {
                through = max(through, mark.through)
                for entry in mark.headlines { headlines[entry.key] = entry.reference }
            } else {
                damaged += 1
            }
            goodLength = contents.distance(from: contents.startIndex, to: newline) + 1
            start = contents.index(after: newline)
        }
        self.through = through
        lastPlanned = through
        damagedLines = damaged
        settled = settled.filter { $0.sequence > through }
        linesSinceCompaction = settled.count
        if goodLength < contents.count { try journal.cut(to: goodLength) }
    }

    /// Every effect of transactions starting at or below this sequence is settled (persisted, or known this run).
    package var watermark: Int {
        lock.locked { outstanding.keys.min().map { $0 - 1 } ?? lastPlanned }
    }

    /// Whether the effect was settled before (by this process or an earlier one).
    package func isSettled(_ id: EffectID) -> Bool {
        writing.locked { lock.locked { id.sequence <= through || settled.contains(Key(sequence: id.sequence, index: id.index)) } }
    }

    /// Whether the effect is settled, or handed to delivery by this process and not settled yet.
    package func isSettledOrPending(_ id: EffectID) -> Bool {
        writing.locked {
            lock.locked {
                id.sequence <= through || settled.contains(Key(sequence: id.sequence, index: id.index))
                    || outstanding[id.sequence]?.contains(id.index) == true
            }
        }
    }

    /// The transaction ending at `lastSequence` was planned and its unsettled `effects` are being delivered.
    package func expect(_ effects: [EffectID], transactionEnd lastSequence: Int) {
        lock.locked {
            lastPlanned = max(lastPlanned, lastSequence)
            for id in effects where id.sequence > through && !settled.contains(Key(sequence: id.sequence, index: id.index)) {
                outstanding[id.sequence, default: []].insert(id.index)
            }
        }
    }

    /// Records durably that the effect is settled; a headline post also records where it landed.
    /// The line is written and synced holding only the writing lock, so a transaction's ``expect(_:transactionEnd:)``
    /// meanwhile waits for no disk; a compaction (once per ``compactAfterLines`` settlements) holds both.
    package func settle(_ id: EffectID, outcome: DeliveryOutcome, reference: String?, headline: HeadlineKey?, at now: Date) throws(StoreError) {
        try writing.locked { () throws(StoreError) in
            let key = Key(sequence: id.sequence, index: id.index)
            // `through` and `settled` change only under the writing lock, so this holds until the line is written.
            guard lock.locked({ id.sequence > through && !settled.contains(key) }) else { return }
            var line: Data
            do {
                line = try EventCodec.encoder().encode(
                    Settlement(
                        seq: id.sequence,
                        index: id.index,
                        outcome: outcome,
                        reference: reference,
                        headline: reference == nil ? nil : headline,
                        at: now
                    )
                )
            } catch {
                throw StoreError("Could not encode a delivery record: \(error)")
            }
            line.append(0x0A)
            try journal.append(line)
            try lock.locked { () throws(StoreError) in
                settled.insert(key)
                if let headline, let reference { headlines[headline] = reference }
                linesSinceCompaction += 1
                if var indexes = outstanding[id.sequence] {
                    indexes.remove(id.index)
                    outstanding[id.sequence] = indexes.isEmpty ? nil : indexes
                }
                // Holding both locks: no effect may become outstanding between the check and the rewrite.
                if outstanding.isEmpty, linesSinceCompaction >= Self.compactAfterLines { try compact(through: lastPlanned) }
            }
        }
    }

    /// Rewrites the file as one line: everything through `sequence` is settled, and where the headlines are.
    package func compact() throws(StoreError) {
        try writing.locked { () throws(StoreError) in
            try lock.locked { () throws(StoreError) in
                guard outstanding.isEmpty, linesSinceCompaction > 0 || lastPlanned > through else { return }
                try compact(through: lastPlanned)
            }
        }
    }

    /// Called holding both locks.
    private func compact(through sequence: Int) throws(StoreError) {
        let newest = headlines.sorted { $0.key.incident > $1.key.incident }.prefix(Self.keptHeadlines)
        var data: Data
        do {
            data = try EventCodec.encoder().encode(
                Through(through: sequence, headlines: newest.map { HeadlineEntry(key: $0.key, reference: $0.value) })
            )
        } catch {
            throw StoreError("Could not encode a delivery record: \(error)")
        }
        data.append(0x0A)
        try journal.replace(with: data)
        through = sequence
        settled = settled.filter { $0.sequence > sequence }
        linesSinceCompaction = settled.count
    }
}

extension NSLock {
    /// Runs `body` holding the lock, with typed throws.
    func locked<T, E: Error>(_ body: () throws(E) -> T) throws(E) -> T {
        lock()
        defer { unlock() }
        return try body()
    }
}
