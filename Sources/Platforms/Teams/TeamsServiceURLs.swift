import Foundation
import IncidentStore
import Synchronization

/// The Bot Connector URL of each conversation, as an authenticated activity presented it: Firebell sends only there,
/// never to a URL from anywhere else. Kept in `data/teams/service-urls.json` (written when a conversation's URL is new
/// or changes, before its command runs), so posts owed after a restart still have somewhere to go.
final class TeamsServiceURLs: Sendable {
    private let file: URL
    private let urls: Mutex<[String: String]>

    init(file: URL) {
        self.file = file
        let stored = (try? Data(contentsOf: file)).flatMap { try? JSONDecoder().decode([String: String].self, from: $0) }
        urls = Mutex(stored ?? [:])
    }

    /// The service URL for a conversation (the part before any `;messageid=`), if one was ever presented.
    func url(for conversation: String) -> String? { urls.withLock { $0[conversation] } }

    /// Records the URL an authenticated activity presented for its conversation.
    func record(_ url: String, for conversation: String) throws {
        let snapshot: [String: String]? = urls.withLock { urls in
            guard urls[conversation] != url else { return nil }
            urls[conversation] = url
            return urls
        }
        guard let snapshot else { return }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        try FileManager.default.createDirectory(at: file.deletingLastPathComponent(), withIntermediateDirectories: true)
        try AtomicFile.write(try encoder.encode(snapshot), to: file)
    }
}
