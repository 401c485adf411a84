import HTTPTypes
import Hummingbird
import IncidentKit
import Messaging
import NIOCore
import ServiceLifecycle

/// A chat platform Firebell serves. Everything about one platform lives in its folder under `Sources/Platforms/`:
/// its identity, markup and capabilities, its settings (read beside it), its inbound routes behind a verification
/// middleware or its connection service, and its delivery. The application iterates ``chatPlatforms``; adding a
/// platform is one folder and one line there.
package protocol ChatPlatform: Sendable {
    associatedtype Settings: PlatformSettings

    /// The platform's id in channel references and data paths.
    static var id: PlatformID { get }
    /// Its name for people ("Slack").
    static var displayName: String { get }
    /// How its posts are written.
    static var markup: Markup { get }
    /// What it can do.
    static var capabilities: PlatformCapabilities { get }

    /// Starts the platform with its settings: builds its delivery; nothing is received until routes or connections run.
    init(settings: Settings, context: PlatformContext) throws(ConfigurationError)

    /// How posts reach the platform; nil when it is configured to receive only.
    var delivery: (any ChatDelivery)? { get }

    /// Adds its inbound HTTP routes, each behind the platform's verification middleware. The default adds none.
    func addRoutes(to router: Router<FirebellRequestContext>, transactions: any ChannelTransactions)

    /// Handlers for each HTTP connection's pipeline, placed before the router, for a route hot enough to be served
    /// from the event loop; each is made once per connection, and passes on whatever it does not serve. `commonHeaders`
    /// are the headers the router adds to every answer (`Date`, `Server`). The default has none.
    func connectionHandlers(
        transactions: any ChannelTransactions,
        commonHeaders: @escaping @Sendable () -> HTTPFields
    ) -> [@Sendable () -> any RemovableChannelHandler]

    /// Its long-lived connections (Socket Mode, a WebSocket, a `/sync` loop), each a service for the life of the server.
    /// The default has none.
    func connections(transactions: any ChannelTransactions) -> [any Service]

    /// Why it cannot take commands now (its connection is down), for `/readyz`; nil when it can.
    var notReadyReason: String? { get }

    /// How `/incident` is registered on the platform (`firebell commands <platform>`), with Firebell's public `url`
    /// where the registration names it; nil for a platform with nothing to register.
    static func commandRegistration(url: String?) -> String?
}

extension ChatPlatform {
    /// The platform's id, for code that holds it as `any ChatPlatform`.
    package var platformID: PlatformID { Self.id }

    /// What it can do, for code that holds it as `any ChatPlatform`.
    package var platformCapabilities: PlatformCapabilities { Self.capabilities }

    /// The settings type, for code that holds the platform as `any ChatPlatform.Type`.
    package static var settingsType: any PlatformSettings.Type { Settings.self }

    package func addRoutes(to router: Router<FirebellRequestContext>, transactions: any ChannelTransactions) {}
    package func connectionHandlers(
        transactions: any ChannelTransactions,
        commonHeaders: @escaping @Sendable () -> HTTPFields
    ) -> [@Sendable () -> any RemovableChannelHandler] { [] }
    package func connections(transactions: any ChannelTransactions) -> [any Service] { [] }
    package var notReadyReason: String? { nil }
    package static func commandRegistration(url: String?) -> String? { nil }
}
