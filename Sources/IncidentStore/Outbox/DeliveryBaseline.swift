import Foundation
import IncidentKit

/// Which platforms Firebell has delivered to from this data folder, and the sequence each channel's log had when
/// delivery to its platform began. A platform configured for the first time (or a data folder from before the
/// outbox was a projection of the log) does not receive the posts of its whole history: only what comes after.
package struct DeliveryBaseline: Codable, Sendable, Equatable {
    package var platforms: Set<String> = []
    /// Channel (`platform/workspace/channel`) → the last sequence logged before delivery to its platform began.
    package var channels: [String: Int] = [:]
    /// Channel → the last sequence logged before the tracker (Jira, Linear, GitHub) was configured; nil until it is.
    package var tracker: [String: Int]?

    package init() {}

    /// The baseline in the data folder, or nil when there is none yet.
    package static func read(_ layout: DataLayout) -> DeliveryBaseline? {
        guard let data = try? Data(contentsOf: layout.deliveryBaselineFile) else { return nil }
        return try? JSONDecoder().decode(DeliveryBaseline.self, from: data)
    }

    package func write(_ layout: DataLayout) throws(StoreError) {
        let data: Data
        do {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys]
            data = try encoder.encode(self)
        } catch {
            throw StoreError("Could not encode the delivery baseline: \(error)")
        }
        try FileIO.makeDirectory(layout.deliveredDirectory)
        try FileIO.replaceAtomically(layout.deliveryBaselineFile, with: data)
    }

    /// The sequence from which `channel` is owed its effects' delivery.
    package func start(of channel: ChannelRef) -> Int { channels[channel.description] ?? 0 }

    /// The sequence after which `channel`'s action items are owed tracker issues.
    package func trackerStart(of channel: ChannelRef) -> Int { tracker?[channel.description] ?? 0 }
}
