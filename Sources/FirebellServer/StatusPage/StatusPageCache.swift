import Foundation
import Messaging
import Synchronization

/// The status page as last built, and each representation of it as last rendered: rebuilt only when the read model's
/// version or the minute (the page shows when it was generated) has changed, so a stampede of readers costs one build.
final class StatusPageCache: Sendable {
    /// What a built page depends on.
    struct Key: Hashable, Sendable {
        let version: Int
        let minute: Int
    }

    /// One rendered representation, with what conditional requests compare.
    struct Rendered: Sendable {
        let body: Data
        let etag: String
        let lastModified: Date
    }

    private struct Entry: Sendable {
        let key: Key
        let page: StatusPage
        var rendered: [String: Rendered] = [:]
    }

    private let entry = Mutex<Entry?>(nil)

    /// The representation named `name` (`html`, `json`, `atom`, `incident/<id>`) for `key`, built and rendered on
    /// the first request after a change; nil when `render` has nothing to show (an unknown incident).
    func rendered(
        _ name: String,
        key: Key,
        build: () -> StatusPage,
        render: (StatusPage) -> Data?
    ) -> Rendered? {
        let cached: (page: StatusPage?, rendered: Rendered?) = entry.withLock { entry in
            guard let entry, entry.key == key else { return (nil, nil) }
            return (entry.page, entry.rendered[name])
        }
        if let rendered = cached.rendered { return rendered }
        let page = cached.page ?? build()
        guard let body = render(page) else { return nil }
        let rendered = Rendered(
            body: body,
            etag: "\"\(key.version)-\(key.minute)-\(name.replacingOccurrences(of: "/", with: "-"))\"",
            lastModified: Date(timeIntervalSince1970: TimeInterval(key.minute * 60))
        )
        entry.withLock { entry in
            if entry?.key != key { entry = Entry(key: key, page: page) }
            entry?.rendered[name] = rendered
        }
        return rendered
    }
}
