import Foundation
import IncidentKit
import Messaging
import ServiceLifecycle

/// Matrix: a client-server API connection that long-polls `/sync` for `!incident` / `/incident` messages, and posts
/// `m.notice` with HTML.
package struct Matrix: ChatPlatform {
    package static let id = PlatformID.matrix
    package static let displayName = "Matrix"
    package static let markup = Markup.html
    package static let capabilities: PlatformCapabilities = [.edits, .threads, .channelCreation]

    package let settings: MatrixSettings
    package let session: MatrixSession
    private let context: PlatformContext

    package init(settings: MatrixSettings, context: PlatformContext) {
        self.settings = settings
        self.context = context
        let credentials: MatrixSession.Credentials =
            settings.accessToken.map { .accessToken($0) } ?? .password(user: settings.user ?? "", password: settings.password ?? "")
        session = MatrixSession(homeserver: settings.homeserver, credentials: credentials, client: context.httpClient)
    }

    package var delivery: (any ChatDelivery)? { MatrixDelivery(session: session) }

    /// Where the `/sync` position is kept, so a restart resumes where it stopped.
    package static func sinceFile(in dataDirectory: URL) -> URL { dataDirectory.appendingPathComponent("matrix/sync.json") }

    package func connections(transactions: any ChannelTransactions) -> [any Service] {
        [
            MatrixSyncLoop(
                session: session,
                transactions: transactions,
                sinceFile: Self.sinceFile(in: context.dataDirectory),
                pinReaction: context.pinReaction,
                logger: context.logger
            )
        ]
    }
}
