import AsyncHTTPClient
import Foundation
import Logging
import NIOCore

/// What a platform is given when it starts: the HTTP client its delivery and connections use, the data folder for
/// what it keeps (a sync token), how long a request to its API may take, the reaction that pins a message to the
/// timeline, and the logger.
package struct PlatformContext: Sendable {
    package var httpClient: HTTPClient
    package var dataDirectory: URL
    package var requestTimeout: TimeAmount
    package var pinReaction: PinReaction
    package var logger: Logger

    package init(httpClient: HTTPClient, dataDirectory: URL, requestTimeout: TimeAmount, pinReaction: PinReaction = .pushpin, logger: Logger) {
        self.httpClient = httpClient
        self.dataDirectory = dataDirectory
        self.requestTimeout = requestTimeout
        self.pinReaction = pinReaction
        self.logger = logger
    }
}
