import Foundation
import IncidentKit
import Messaging
import ServiceLifecycle

/// Matrix: a client-server API connection that long-polls `/sync` for `!incident` / `/incident` messages, and posts
/// `m.notice` with HTML.
public struct Matrix: ChatPlatform {
    public static let id = PlatformID.matrix
    public static let displayName = "Matrix"
    public static let markup = Markup.html
    public static let capabilities: PlatformCapabilities = [.edits, .threads]

    public let settings: MatrixSettings
    public let session: MatrixSession
    private let context: PlatformContext

    public init(settings: MatrixSettings, context: PlatformContext) {
        self.settings = settings
        self.context = context
        let credentials: MatrixSession.Credentials =
            settings.accessToken.map { .accessToken($0) } ?? .password(user: settings.user ?? "", password: settings.password ?? "")
        session = MatrixSession(homeserver: settings.homeserver, credentials: credentials, client: context.httpClient)
    }

    public var delivery: (any ChatDelivery)? { MatrixDelivery(session: session) }

    /// Where the `/sync` position is kept, so a restart resumes where it stopped.
    public static func sinceFile(in dataDirectory: URL) -> URL { dataDirectory.appendingPathComponent("matrix/sync.json") }

    public func connections(transactions: any ChannelTransactions) -> [any Service] {
        [MatrixSyncLoop(session: session, transactions: transactions, sinceFile: Self.sinceFile(in: context.dataDirectory), logger: context.logger)]
    }
}
