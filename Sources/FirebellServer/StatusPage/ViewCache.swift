import Foundation
import Synchronization

/// A read-only view (the status page, the insights) as last built, and each representation of it as last rendered:
/// rebuilt only when the read model's version, the minute (the views show when they were generated) or the variant
/// (the insights' window) has changed, so a stampede of readers costs one build.
final class ViewCache<View: Sendable>: Sendable {
    /// What a built view depends on.
    struct Key: Hashable, Sendable {
        let version: Int
        let minute: Int
        var variant = 0
    }

    private struct Entry: Sendable {
        let key: Key
        let view: View
        var rendered: [String: RenderedView] = [:]
    }

    private let entry = Mutex<Entry?>(nil)

    /// The representation named `name` as rendered for `key`, if it has been since `key` became current.
    func current(_ name: String, key: Key) -> RenderedView? {
        entry.withLock { entry in entry?.key == key ? entry?.rendered[name] : nil }
    }

    /// The representation named `name` (`html`, `json`, `atom`, `incident/<id>`) for `key`, built and rendered on
    /// the first request after a change; nil when `render` has nothing to show (an unknown incident).
    func rendered(
        _ name: String,
        key: Key,
        build: () -> View,
        render: (View) -> Data?
    ) -> RenderedView? {
        let cached: (view: View?, rendered: RenderedView?) = entry.withLock { entry in
            guard let entry, entry.key == key else { return (nil, nil) }
            return (entry.view, entry.rendered[name])
        }
        if let rendered = cached.rendered { return rendered }
        let view = cached.view ?? build()
        guard let body = render(view) else { return nil }
        let rendered = RenderedView(
            body: body,
            etag: "\"\(key.version)-\(key.minute)-\(key.variant)-\(name.replacingOccurrences(of: "/", with: "-"))\"",
            lastModified: Date(timeIntervalSince1970: TimeInterval(key.minute * 60))
        )
        entry.withLock { entry in
            if entry?.key != key { entry = Entry(key: key, view: view) }
            entry?.rendered[name] = rendered
        }
        return rendered
    }
}
