import Foundation

/// Small state files outside the event logs (the Matrix `since` token): replaced whole, atomically and durably.
package enum AtomicFile {
    package static func write(_ data: Data, to url: URL) throws {
        try FileIO.makeDirectory(url.deletingLastPathComponent())
        try FileIO.replaceAtomically(url, with: data)
    }
}
