/// An incident's severity, SEV1 (critical) to SEV4 (low); a lower number is more severe.
package enum Severity: Int, Codable, Sendable, CaseIterable, Comparable, CustomStringConvertible {
    case sev1 = 1
    case sev2, sev3, sev4

    package static func < (lhs: Severity, rhs: Severity) -> Bool { lhs.rawValue < rhs.rawValue }

    /// "SEV1" … "SEV4".
    package var description: String { "SEV\(rawValue)" }

    /// True when `self` is a more severe level than `other` (SEV1 is more severe than SEV3).
    package func isMoreSevere(than other: Severity) -> Bool { rawValue < other.rawValue }

    /// Accepts `sev1`, `SEV1`, `sev-1`, `s1`, `p1` and a bare `1`.
    package init?(parsing text: String) {
        var digits = Substring(text.lowercased())
        for prefix in ["sev-", "sev", "s", "p"] where digits.hasPrefix(prefix) {
            digits = digits.dropFirst(prefix.count)
            break
        }
        guard digits.count == 1, let number = Int(digits), let severity = Severity(rawValue: number) else { return nil }
        self = severity
    }
}
