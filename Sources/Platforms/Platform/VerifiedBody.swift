import Foundation
import Hummingbird

/// The body of a request that must be verified before it is parsed: read whole (chat payloads are small, and a larger
/// one is refused with 413 before it is read in full) so that its signature can be checked over the exact bytes.
package enum VerifiedBody {
    /// Chat platforms' payloads stay far below this.
    package static let maxBytes = 64 * 1024

    /// Collects the body and puts it back on the request for the handler.
    package static func collect(_ request: inout Request) async throws -> Data {
        let buffer = try await request.collectBody(upTo: maxBytes)
        return Data(buffer.readableBytesView)
    }
}
