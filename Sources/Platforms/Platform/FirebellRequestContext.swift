import Hummingbird
import IncidentKit

/// The request context of every Firebell route. A platform's verification middleware fills in ``verified`` once the
/// request's signature or token checks out, before anything is parsed; the platform's handlers refuse a request
/// without it.
public struct FirebellRequestContext: RequestContext {
    public var coreContext: CoreRequestContextStorage
    /// Who the request is proven to come from; nil until a verification middleware has checked it.
    public var verified: VerifiedSender?

    public init(source: Source) {
        coreContext = .init(source: source)
    }
}

/// A sender whose request a platform verified: which platform, and the identity its credentials proved
/// (the app or bot id, and for Bot Framework the service URL the token was issued for).
public struct VerifiedSender: Sendable, Equatable {
    public var platform: PlatformID
    public var identity: String
    public var serviceURL: String?

    public init(platform: PlatformID, identity: String, serviceURL: String? = nil) {
        self.platform = platform
        self.identity = identity
        self.serviceURL = serviceURL
    }
}
