import Foundation
import IncidentKit

/// Where a delivery ledger's lines are kept: a file beside the data folder's log, or keys in etcd shared by every
/// replica. The ledger calls it under its lock, one call at a time.
package protocol LedgerJournal: AnyObject, Sendable {
    /// The lines as stored, each ending in a newline (read once, when the ledger opens).
    func contents() -> Data
    /// Cuts a torn last line off (the first `length` bytes are whole lines).
    func cut(to length: Int) throws(StoreError)
    /// Adds one line.
    func append(_ line: Data) throws(StoreError)
    /// Replaces every line with `data` (compaction).
    func replace(with data: Data) throws(StoreError)
}

/// The ledger's file, `delivered/<platform>/<workspace>/<channel>.jsonl`; each line is synced as it is added.
package final class FileLedgerJournal: LedgerJournal, @unchecked Sendable {
    private let url: URL
    private var file: AppendOnlyFile?

    package init(url: URL) { self.url = url }

    package func contents() -> Data { (try? Data(contentsOf: url)) ?? Data() }

    package func cut(to length: Int) throws(StoreError) {
        let file = try AppendOnlyFile(url: url)
        try file.cut(to: length)
        self.file = file
    }

    package func append(_ line: Data) throws(StoreError) {
        if file == nil { file = try AppendOnlyFile(url: url) }
        try file?.append(line)
    }

    package func replace(with data: Data) throws(StoreError) {
        file = nil
        try FileIO.makeDirectory(url.deletingLastPathComponent())
        try FileIO.replaceAtomically(url, with: data)
    }
}
