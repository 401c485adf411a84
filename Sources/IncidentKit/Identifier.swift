import Foundation

/// The one rule every platform's ids obey before anything is decided or written: a workspace, channel or person id
/// is 1 to 255 bytes of UTF-8 with no control character (no NUL, no line break, no tab, no Unicode line separator).
///
/// Every real platform's ids fit (Slack `C024BE91L`, Discord snowflakes, Mattermost's 26 characters, Matrix room ids,
/// which the spec caps at 255 bytes, Teams conversation ids of about 130 characters). An id that breaks the rule is
/// refused with a 400 before its channel is touched; one that keeps it always maps to its own files.
package enum IdentifierRule {
    /// The longest id, in UTF-8 bytes.
    package static let maximumBytes = 255

    /// Throws when `value`, the `role` of an inbound request ("channel id"), breaks the rule.
    package static func check(_ value: String, as role: String) throws(InvalidIdentifier) {
        if value.isEmpty { throw InvalidIdentifier("The \(role) is empty.") }
        let bytes = value.utf8.count
        if bytes > maximumBytes {
            throw InvalidIdentifier("The \(role) is \(bytes) bytes long; ids are at most \(maximumBytes) bytes.")
        }
        if let bad = value.unicodeScalars.first(where: isForbidden) {
            throw InvalidIdentifier("The \(role) contains the control character \(String(format: "U+%04X", bad.value)); ids are printable text.")
        }
    }

    /// C0 and C1 controls, DEL, and the Unicode line and paragraph separators.
    static func isForbidden(_ scalar: Unicode.Scalar) -> Bool {
        scalar.value < 0x20 || (0x7F...0x9F).contains(scalar.value) || scalar.value == 0x2028 || scalar.value == 0x2029
    }
}

/// An inbound id that breaks ``IdentifierRule``; the message says which and why, and carries no server detail.
package struct InvalidIdentifier: Error, Sendable, Equatable, CustomStringConvertible {
    package let message: String

    package init(_ message: String) { self.message = message }

    package var description: String { message }
}

extension ChannelRef {
    /// Checks the workspace and channel ids (the platform id is Firebell's own) against ``IdentifierRule``.
    package func validate() throws(InvalidIdentifier) {
        try IdentifierRule.check(workspace, as: "workspace id")
        try IdentifierRule.check(channel, as: "channel id")
    }
}

extension UserRef {
    /// Checks the person's id against ``IdentifierRule``.
    package func validate() throws(InvalidIdentifier) {
        try IdentifierRule.check(id, as: "user id")
    }
}
