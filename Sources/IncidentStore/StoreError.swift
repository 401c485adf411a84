/// A storage failure, worded for the responder whose command could not be saved.
package struct StoreError: Error, Sendable, CustomStringConvertible {
    package let message: String

    package init(_ message: String) { self.message = message }

    package var description: String { message }

    static func posix(_ action: String, _ path: String, _ code: Int32) -> StoreError {
        StoreError("Could not \(action) \(path): \(String(cString: strerror(code))) (errno \(code)).")
    }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
