import Foundation
import HeapModule
import IncidentKit
import Synchronization

/// The earliest deadline of every channel, ordered: one entry per channel, whatever its number of timers.
/// Replaced entries stay in the heap until they surface and are then skipped (lazy deletion).
package final class DeadlineIndex: Sendable {
    package init() {}
    private struct Entry: Comparable {
        let at: Date
        let channel: ChannelRef
        static func < (lhs: Entry, rhs: Entry) -> Bool { lhs.at < rhs.at }
        static func == (lhs: Entry, rhs: Entry) -> Bool { lhs.at == rhs.at && lhs.channel == rhs.channel }
    }

    private struct Contents {
        var heap = Heap<Entry>()
        var current: [ChannelRef: Date] = [:]

        mutating func dropStale() {
            while let top = heap.min, current[top.channel] != top.at { _ = heap.popMin() }
            if heap.count > 2 * current.count + 64 {
                heap = Heap(current.map { Entry(at: $0.value, channel: $0.key) })
            }
        }
    }

    private let contents = Mutex(Contents())

    /// Sets a channel's earliest deadline (nil: nothing armed). Returns true when it is now the earliest of all.
    @discardableResult
    package func set(_ channel: ChannelRef, to date: Date?) -> Bool {
        contents.withLock { contents in
            guard contents.current[channel] != date else { return false }
            contents.current[channel] = date
            if let date { contents.heap.insert(Entry(at: date, channel: channel)) }
            contents.dropStale()
            return date != nil && contents.heap.min?.channel == channel
        }
    }

    /// The earliest deadline of all channels.
    package var earliest: Date? { contents.withLock { $0.heap.min?.at } }

    /// Number of channels with an armed timer.
    package var armedChannels: Int { contents.withLock { $0.current.count } }

    /// Removes and returns the channels whose deadline is at or before `now`.
    package func takeDue(_ now: Date) -> [ChannelRef] {
        contents.withLock { contents in
            var due: [ChannelRef] = []
            contents.dropStale()
            while let top = contents.heap.min, top.at <= now {
                _ = contents.heap.popMin()
                contents.current[top.channel] = nil
                due.append(top.channel)
                contents.dropStale()
            }
            return due
        }
    }
}
