import Foundation
import IncidentKit

/// A message in an outbox file written before the outbox became a projection of the log (one file of rendered
/// messages per channel). Read only to deliver what such a file still held when Firebell was upgraded.
public struct LegacyOutboxMessage: Codable, Sendable, Equatable {
    public var id: Int
    public var channel: ChannelRef
    public var text: String
    public var incident: IncidentID?
    /// `alert`, `stakeholder`, `headline`, `reminder`, `notice`, `page` or `reply`.
    public var purpose: String
    public var ephemeralUser: UserRef?
    public var offersActions: Bool?
    public var createdAt: Date
}

/// One line of a legacy outbox file.
enum LegacyOutboxEntry: Codable {
    case queued(LegacyOutboxMessage)
    case settled(id: Int, outcome: String, detail: String?, at: Date)
}
