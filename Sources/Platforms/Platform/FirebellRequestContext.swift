import Hummingbird
import IncidentKit

/// The request context of every Firebell route. A platform's verification middleware fills in ``verified`` once the
/// request's signature or token checks out, before anything is parsed; the platform's handlers refuse a request
/// without it.
package struct FirebellRequestContext: RequestContext {
    package var coreContext: CoreRequestContextStorage
    /// Who the request is proven to come from; nil until a verification middleware has checked it.
    package var verified: VerifiedSender?

    package init(source: Source) {
        coreContext = .init(source: source)
    }
}

/// A sender whose request a platform verified: which platform, and the identity its credentials proved
/// (the app or bot id, and for Bot Framework the service URL the token was issued for).
package struct VerifiedSender: Sendable, Equatable {
    package var platform: PlatformID
    package var identity: String
    package var serviceURL: String?

    package init(platform: PlatformID, identity: String, serviceURL: String? = nil) {
        self.platform = platform
        self.identity = identity
        self.serviceURL = serviceURL
    }
}
