import Synchronization

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Descriptors of append-only files kept open between appends, at most ``capacity`` of them, the least recently used
/// closed first. Opening a log by its path costs a path walk on every append (about 3 % of a command's CPU); a busy
/// channel's next append takes its descriptor from here instead.
///
/// A descriptor here is idle: its file takes it out for a write and puts it back when the write is settled, so one
/// closed to make room is never in use. A file that goes away discards its own. The capacity is 0 (every append opens
/// and closes, as the descriptor bound needs under a low open-file limit) until the server sets it from the headroom
/// its connection limit leaves.
package final class WarmDescriptors: Sendable {
    /// The one every append-only file of the process uses.
    package static let shared = WarmDescriptors()

    private struct State {
        var capacity = 0
        var open: [ObjectIdentifier: (fd: Int32, used: UInt64)] = [:]
        var clock: UInt64 = 0
    }

    private let state = Mutex(State())

    init() {}

    /// How many idle descriptors may be kept; lowering it closes the ones over it.
    package var capacity: Int {
        get { state.withLock { $0.capacity } }
        set {
            let closing = state.withLock { state -> [Int32] in
                state.capacity = max(0, newValue)
                return Self.evict(&state)
            }
            for fd in closing { close(fd) }
        }
    }

    /// How many idle descriptors are kept now.
    package var count: Int { state.withLock { $0.open.count } }

    /// The idle descriptor kept for `owner`, now the owner's to use (nil: none kept).
    func take(for owner: ObjectIdentifier) -> Int32? {
        state.withLock { $0.open.removeValue(forKey: owner)?.fd }
    }

    /// Keeps `fd`, idle, for `owner`; closes it, or the least recently kept ones, when that is more than the capacity.
    func keep(_ fd: Int32, for owner: ObjectIdentifier) {
        let closing = state.withLock { state -> [Int32] in
            guard state.capacity > 0 else { return [fd] }
            state.clock += 1
            let replaced = state.open.updateValue((fd, state.clock), forKey: owner)
            return Self.evict(&state) + (replaced.map { [$0.fd] } ?? [])
        }
        for fd in closing { close(fd) }
    }

    /// Closes the idle descriptor kept for `owner`, if any (the file is going away).
    func discard(for owner: ObjectIdentifier) {
        if let fd = take(for: owner) { close(fd) }
    }

    /// Over the capacity, closes the least recently kept down to seven eighths of it, so that the sort this takes
    /// happens once per eighth of the capacity rather than per append.
    private static func evict(_ state: inout State) -> [Int32] {
        guard state.open.count > state.capacity else { return [] }
        let keeping = state.capacity - state.capacity / 8
        let oldest = state.open.sorted { $0.value.used < $1.value.used }.prefix(state.open.count - keeping)
        for entry in oldest { state.open[entry.key] = nil }
        return oldest.map(\.value.fd)
    }
}
