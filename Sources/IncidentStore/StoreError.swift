/// A storage failure, worded for the responder whose command could not be saved.
package struct StoreError: Error, Sendable, CustomStringConvertible {
    /// What kind of failure: it decides what the responder is told and whether the command is decided again.
    package enum Kind: Sendable, Equatable {
        /// Nothing was written.
        case failed
        /// Nothing was written because another writer appended to the channel first: read what it wrote and decide
        /// again.
        case conflict
        /// The store did not say whether the write committed (a timeout without quorum): it may have.
        case indeterminate
    }

    /// The full story for the operator's log, paths included.
    package let message: String
    /// What a responder may be told: the system's reason (`No space left on device`), never a server path.
    package let cause: String?
    package let kind: Kind

    package init(_ message: String, cause: String? = nil, kind: Kind = .failed) {
        self.message = message
        self.cause = cause
        self.kind = kind
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
