import AsyncHTTPClient
import Foundation
import Logging
import NIOCore

/// What a platform is given when it starts: the HTTP client its delivery and connections use, the data folder for
/// what it keeps (a sync token), how long a request to its API may take, and the logger.
public struct PlatformContext: Sendable {
    public var httpClient: HTTPClient
    public var dataDirectory: URL
    public var requestTimeout: TimeAmount
    public var logger: Logger

    public init(httpClient: HTTPClient, dataDirectory: URL, requestTimeout: TimeAmount, logger: Logger) {
        self.httpClient = httpClient
        self.dataDirectory = dataDirectory
        self.requestTimeout = requestTimeout
        self.logger = logger
    }
}
