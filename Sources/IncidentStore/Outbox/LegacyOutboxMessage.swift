import Foundation
import IncidentKit

/// A message in an outbox file written before the outbox became a projection of the log (one file of rendered
/// messages per channel). Read only to deliver what such a file still held when Firebell was upgraded.
package struct LegacyOutboxMessage: Codable, Sendable, Equatable {
    package var id: Int
    package var channel: ChannelRef
    package var text: String
    package var incident: IncidentID?
    /// `alert`, `stakeholder`, `headline`, `reminder`, `notice`, `page` or `reply`.
    package var purpose: String
    package var ephemeralUser: UserRef?
    package var offersActions: Bool?
    package var createdAt: Date
}

/// One line of a legacy outbox file.
enum LegacyOutboxEntry: Codable {
    case queued(LegacyOutboxMessage)
    case settled(id: Int, outcome: String, detail: String?, at: Date)
}
