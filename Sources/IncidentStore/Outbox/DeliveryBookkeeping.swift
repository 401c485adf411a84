import Foundation
import IncidentKit

/// Where delivery keeps what it has done: the baseline (from which sequence each channel is owed its posts) and
/// one ledger per channel (which effects are settled). The data folder keeps them in files for its one process;
/// etcd keeps them for every replica, so the replica elected next knows what the last one delivered.
package protocol DeliveryBookkeeping: Sendable {
    /// The baseline, or nil when delivery has never begun here.
    func baseline() -> DeliveryBaseline?
    func saveBaseline(_ baseline: DeliveryBaseline) throws(StoreError)
    /// The channels that have a ledger, with where it is (for the operator's log).
    func ledgers() -> [(channel: ChannelRef, location: String)]
    /// Where a channel's ledger is kept (created on first use).
    func journal(for channel: ChannelRef) -> any LedgerJournal
}

/// The data folder's bookkeeping: `delivered/baseline.json` and `delivered/<platform>/<workspace>/<channel>.jsonl`.
package struct FolderBookkeeping: DeliveryBookkeeping {
    package let layout: DataLayout

    package init(layout: DataLayout) { self.layout = layout }

    package func baseline() -> DeliveryBaseline? { DeliveryBaseline.read(layout) }

    package func saveBaseline(_ baseline: DeliveryBaseline) throws(StoreError) { try baseline.write(layout) }

    package func ledgers() -> [(channel: ChannelRef, location: String)] {
        guard let enumerator = FileManager.default.enumerator(at: layout.deliveredDirectory, includingPropertiesForKeys: nil) else { return [] }
        let files = enumerator.compactMap { $0 as? URL }.filter { $0.pathExtension == "jsonl" }.sorted { $0.path < $1.path }
        return files.compactMap { file in layout.channel(forLogFile: file).map { ($0, file.path) } }
    }

    package func journal(for channel: ChannelRef) -> any LedgerJournal {
        FileLedgerJournal(url: layout.deliveryLedger(for: channel))
    }
}
