import IncidentKit

extension TrackerLink {
    /// Reads a delivery reference written by ``TrackerIssue/reference(_:)``.
    package init?(reference: String) {
        guard let space = reference.firstIndex(of: " ") else { return nil }
        self.init(key: String(reference[..<space]), url: String(reference[reference.index(after: space)...]))
    }
}
