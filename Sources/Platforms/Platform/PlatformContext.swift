import AsyncHTTPClient
import Foundation
import Logging
import NIOCore

/// What a platform is given when it starts: the HTTP client its delivery and connections use, the data folder for
/// what it keeps (a sync token), how long a request to its API may take, and the logger.
package struct PlatformContext: Sendable {
    package var httpClient: HTTPClient
    package var dataDirectory: URL
    package var requestTimeout: TimeAmount
    package var logger: Logger

    package init(httpClient: HTTPClient, dataDirectory: URL, requestTimeout: TimeAmount, logger: Logger) {
        self.httpClient = httpClient
        self.dataDirectory = dataDirectory
        self.requestTimeout = requestTimeout
        self.logger = logger
    }
}
