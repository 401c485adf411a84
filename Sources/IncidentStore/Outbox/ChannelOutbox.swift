import Foundation
import IncidentKit

/// One channel's outbox file: messages are recorded durably before delivery and marked settled after;
/// what is queued and not settled after a restart is still to deliver, in order.
/// Not thread-safe: one owner (the delivery worker of the channel) uses it.
public final class ChannelOutbox {
    public let channel: ChannelRef
    private let file: AppendOnlyFile
    private let referencesFile: URL
    /// The platform's id of each incident's Initial Alert, so later edits can replace it.
    public private(set) var headlineReferences: [IncidentID: String]
    /// Unsettled messages, oldest first.
    public private(set) var pending: [OutboxMessage]
    private var lastID: Int

    /// Opens the outbox, cutting a torn last line, and loads what is still to deliver.
    public init(channel: ChannelRef, url: URL) throws(StoreError) {
        self.channel = channel
        referencesFile = url.deletingPathExtension().appendingPathExtension("refs.json")
        headlineReferences = Self.readReferences(referencesFile)
        let (entries, goodLength, total) = try Self.readEntries(url)
        file = try AppendOnlyFile(url: url)
        if goodLength < total { try file.cut(to: goodLength) }
        var queued: [Int: OutboxMessage] = [:]
        var order: [Int] = []
        var last = 0
        for entry in entries {
            switch entry {
            case .queued(let message):
                queued[message.id] = message
                order.append(message.id)
                last = max(last, message.id)
            case .settled(let id, _, _, _):
                queued[id] = nil
                last = max(last, id)
            }
        }
        pending = order.compactMap { queued[$0] }
        lastID = last
    }

    /// Records messages durably; delivery may start once this returns.
    @discardableResult
    public func enqueue(_ drafts: [OutboxDraft], at now: Date) throws(StoreError) -> [OutboxMessage] {
        var messages: [OutboxMessage] = []
        var data = Data()
        for (offset, draft) in drafts.enumerated() {
            let message = OutboxMessage(id: lastID + offset + 1, channel: channel, draft: draft, createdAt: now)
            messages.append(message)
            data.append(try Self.line(.queued(message)))
        }
        try file.append(data)
        lastID += messages.count
        pending += messages
        return messages
    }

    /// Marks the oldest pending message settled; once nothing is pending the file is emptied.
    public func settle(_ id: Int, outcome: OutboxOutcome, detail: String? = nil, at now: Date) throws(StoreError) {
        try file.append(try Self.line(.settled(id: id, outcome: outcome, detail: detail, at: now)))
        pending.removeAll { $0.id == id }
        if pending.isEmpty, file.durableLength > Self.compactAfterBytes {
            // Keep one settled line so ids (and idempotency keys built from them) never repeat.
            let marker = try Self.line(.settled(id: lastID, outcome: outcome, detail: "compacted", at: now))
            try file.cut(to: 0)
            try file.append(marker)
        }
    }

    /// Remembers where an incident's Initial Alert landed (written atomically; the newest 200 are kept).
    public func recordHeadline(_ reference: String, for incident: IncidentID) throws(StoreError) {
        headlineReferences[incident] = reference
        if headlineReferences.count > 200, let oldest = headlineReferences.keys.min() { headlineReferences[oldest] = nil }
        let map = Dictionary(uniqueKeysWithValues: headlineReferences.map { ($0.key.description, $0.value) })
        let data: Data
        do { data = try JSONSerialization.data(withJSONObject: map, options: [.sortedKeys]) } catch {
            throw StoreError("Could not encode the headline references: \(error)")
        }
        try FileIO.replaceAtomically(referencesFile, with: data)
    }

    private static func readReferences(_ url: URL) -> [IncidentID: String] {
        guard let data = try? Data(contentsOf: url), let map = try? JSONSerialization.jsonObject(with: data) as? [String: String] else { return [:] }
        return Dictionary(uniqueKeysWithValues: map.compactMap { key, value in IncidentID(parsing: key).map { ($0, value) } })
    }

    /// Once nothing is pending and the file is larger than this, it is emptied.
    public static let compactAfterBytes = 64 * 1024

    private static func line(_ entry: OutboxEntry) throws(StoreError) -> Data {
        do {
            var data = try EventCodec.encoder().encode(entry)
            data.append(0x0A)
            return data
        } catch {
            throw StoreError("Could not encode an outbox entry: \(error)")
        }
    }

    /// Whole entries and the byte length they take; a torn or unreadable last line is left out.
    private static func readEntries(_ url: URL) throws(StoreError) -> ([OutboxEntry], Int, Int) {
        guard FileManager.default.fileExists(atPath: url.path) else { return ([], 0, 0) }
        let contents: Data
        do { contents = try Data(contentsOf: url) } catch { throw StoreError("Could not read \(url.path): \(error.localizedDescription)") }
        let decoder = EventCodec.decoder()
        var entries: [OutboxEntry] = []
        var good = 0
        var start = contents.startIndex
        while start < contents.endIndex, let newline = contents[start...].firstIndex(of: 0x0A) {
            guard let entry = try? decoder.decode(OutboxEntry.self, from: Data(contents[start..<newline])) else {
                // Entries after a damaged line cannot be trusted to be in order; stop here.
                break
            }
            entries.append(entry)
            good = contents.distance(from: contents.startIndex, to: newline) + 1
            start = contents.index(after: newline)
        }
        return (entries, good, contents.count)
    }
}

