/// One representation the status page serves: what it is cached under, its path and its content type. The router
/// and ``StatusPageFastPath`` read paths through this one table, so they cannot disagree on what a path serves.
enum StatusPageRepresentation: Hashable, Sendable {
    case html
    case json
    case atom
    /// One incident's page, by its id as written in the path.
    case incident(String)

    /// The representation a request path (without a query) names; nil for any other path.
    init?(path: Substring) {
        switch path {
        case "/status": self = .html
        case "/status.json": self = .json
        case "/status/feed.atom": self = .atom
        default:
            let prefix = "/status/incidents/"
            guard path.hasPrefix(prefix) else { return nil }
            let id = path.dropFirst(prefix.count)
            guard !id.isEmpty, !id.contains("/") else { return nil }
            self = .incident(String(id))
        }
    }

    /// The name its rendering is cached under.
    var cacheName: String {
        switch self {
        case .html: "html"
        case .json: "json"
        case .atom: "atom"
        case .incident(let id): "incident/\(id)"
        }
    }

    var contentType: String {
        switch self {
        case .html, .incident: "text/html; charset=utf-8"
        case .json: "application/json; charset=utf-8"
        case .atom: "application/atom+xml; charset=utf-8"
        }
    }
}
