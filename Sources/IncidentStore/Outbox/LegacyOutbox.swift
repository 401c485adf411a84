import Foundation
import IncidentKit

/// An outbox file from before the outbox became a projection of the log: what it still holds is delivered once,
/// first, and the file is removed when nothing is left. Damaged lines are skipped, never the lines after them.
package final class LegacyOutbox: @unchecked Sendable {
    package let channel: ChannelRef
    package let url: URL
    /// Undelivered messages, oldest first.
    package private(set) var pending: [LegacyOutboxMessage]
    /// Where each incident's Initial Alert landed (`<channel>.refs.json` beside the file).
    package let headlineReferences: [IncidentID: String]
    private let lock = NSLock()

    package init(channel: ChannelRef, url: URL) {
        self.channel = channel
        self.url = url
        let refs = url.deletingPathExtension().appendingPathExtension("refs.json")
        let map = (try? JSONDecoder().decode([String: String].self, from: Data(contentsOf: refs))) ?? [:]
        headlineReferences = Dictionary(map.compactMap { key, value in IncidentID(parsing: key).map { ($0, value) } }, uniquingKeysWith: { $1 })
        var queued: [Int: LegacyOutboxMessage] = [:]
        var order: [Int] = []
        let decoder = EventCodec.decoder()
        for line in ((try? Data(contentsOf: url)) ?? Data()).split(separator: 0x0A) {
            switch try? decoder.decode(LegacyOutboxEntry.self, from: line) {
            case .queued(let message):
                queued[message.id] = message
                order.append(message.id)
            case .settled(let id, _, _, _):
                queued[id] = nil
            case nil:
                continue
            }
        }
        pending = order.compactMap { queued[$0] }
    }

    /// Every legacy outbox file under `folder` (`outbox/<platform>/<workspace>/<channel>.jsonl`) that still holds a message.
    package static func all(in layout: DataLayout) -> [LegacyOutbox] {
        let root = layout.root.appendingPathComponent("outbox", isDirectory: true)
        guard let enumerator = FileManager.default.enumerator(at: root, includingPropertiesForKeys: nil) else { return [] }
        return enumerator.compactMap { $0 as? URL }.filter { $0.pathExtension == "jsonl" }.sorted { $0.path < $1.path }.compactMap { file in
            guard let channel = layout.channel(forLogFile: file) else { return nil }
            return LegacyOutbox(channel: channel, url: file)
        }
    }

    /// The message is done with (delivered or refused); when none is left the file is removed.
    package func settle(_ id: Int) {
        lock.lock()
        defer { lock.unlock() }
        pending.removeAll { $0.id == id }
        let line = (try? EventCodec.encoder().encode(LegacyOutboxEntry.settled(id: id, outcome: "delivered", detail: nil, at: Date()))) ?? Data()
        if pending.isEmpty {
            try? FileManager.default.removeItem(at: url)
        } else if let file = try? AppendOnlyFile(url: url) {
            try? file.append(line + Data([0x0A]))
        }
    }
}
