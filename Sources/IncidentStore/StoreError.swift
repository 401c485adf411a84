/// A storage failure, worded for the responder whose command could not be saved.
package struct StoreError: Error, Sendable, CustomStringConvertible {
    /// The full story for the operator's log, paths included.
    package let message: String
    /// What a responder may be told: the system's reason (`No space left on device`), never a server path.
    package let cause: String?

    package init(_ message: String, cause: String? = nil) {
        self.message = message
        self.cause = cause
    }

    package var description: String { message }

    /// `what` followed by the cause a responder may see, in parentheses: "its log cannot be read (Permission denied)".
    package func told(_ what: String) -> String { what + (cause.map { " (\($0))" } ?? "") }

    static func posix(_ action: String, _ path: String, _ code: Int32) -> StoreError {
        let reason = String(cString: strerror(code))
        return StoreError("Could not \(action) \(path): \(reason) (errno \(code)).", cause: reason)
    }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
