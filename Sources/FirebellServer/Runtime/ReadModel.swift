import Foundation
import IncidentKit
import Messaging
import Synchronization

/// What the read-only views that span channels read — the status page and the insights: every channel's incidents,
/// the names its people go by, each incident's stakeholder-facing and update-clock events, and a digest of the rest.
/// Kept current by the transactions themselves (each channel publishes what it committed, in its turn), so a view
/// reads memory, never a log and never a channel's turn; ``version`` changes with every commit, for caches and `ETag`s,
/// and ``statusVersion`` only with those that can change the status page.
package final class ReadModel: Sendable {
    struct Channel: Sendable {
        var order: [IncidentID] = []
        var incidents: [IncidentID: Incident] = [:]
        var names = PeopleNames()
        /// Each incident's stakeholder-facing events and those its update compliance replays, in log order.
        var entries: [IncidentID: [EventRecord]] = [:]
        /// What the insights need of the other events.
        var digests: [IncidentID: Insights.Digest] = [:]

        mutating func add(_ record: EventRecord) {
            guard let id = record.incident else { return }
            if ReadModel.keeps(record.event) { entries[id, default: []].append(record) }
            digests[id, default: Insights.Digest()].add(record)
        }

        /// Takes in what one transaction committed, given the channel's state after it; returns whether the status
        /// page can show the change.
        mutating func commit(_ records: [EventRecord], after channelState: ChannelState) -> Bool {
            var changesPage = order != channelState.order || records.contains(where: ReadModel.isStakeholderFacing)
            order = channelState.order
            for id in Set(records.compactMap(\.incident)) {
                let before = incidents[id]
                incidents[id] = channelState.incidents[id]
                changesPage = changesPage || before.map(StatusPageBuilder.Face.init) != channelState.incidents[id].map(StatusPageBuilder.Face.init)
            }
            names = channelState.people
            for record in records { add(record) }
            return changesPage
        }
    }

    private struct State: Sendable {
        var channels: [ChannelRef: Channel] = [:]
        var version = 0
        var statusVersion = 0
    }

    private let state = Mutex(State())

    package init() {}

    /// Changes with every commit that reached the model.
    package var version: Int { state.withLock { $0.version } }

    /// Changes with every commit that can change the status page: one with a stakeholder-facing event, or that
    /// changes what the page reads of an incident (``StatusPageBuilder/Face``), or the incidents a channel holds.
    /// Notes, roles and action items leave it as it is, so the page's cache outlives the commands of a busy incident.
    package var statusVersion: Int { state.withLock { $0.statusVersion } }

    /// Whether the channel is in the model (published once from its whole log).
    func contains(_ channel: ChannelRef) -> Bool { state.withLock { $0.channels[channel] != nil } }

    /// Sets a channel from its state and its whole log (start-up, or a channel's first use).
    func publish(_ channel: ChannelRef, state channelState: ChannelState, log records: [EventRecord]) {
        var projected = Channel(order: channelState.order, incidents: channelState.incidents, names: channelState.people)
        for record in records { projected.add(record) }
        state.withLock { state in
            state.channels[channel] = projected
            state.version += 1
            state.statusVersion += 1
        }
    }

    /// Adds what one transaction committed; a channel not published yet is left to its first full publish.
    func apply(_ channel: ChannelRef, state channelState: ChannelState, committed records: [EventRecord]) {
        state.withLock { state in
            // Changed where it is stored: a copy taken out and put back would copy the channel's tables (every
            // incident it ever had) on each command, under the lock every channel's commits share.
            guard let changesPage = state.channels[channel]?.commit(records, after: channelState) else { return }
            state.version += 1
            if changesPage { state.statusVersion += 1 }
        }
    }

    /// The status page at `now`, built from memory.
    package func statusPage(_ builder: StatusPageBuilder, now: Date) -> StatusPage {
        let shown = state.withLock { state in
            state.channels.values.flatMap { projected in
                projected.order.compactMap { projected.incidents[$0] }.filter { builder.isShown($0, now: now) }.map {
                    ($0, (projected.entries[$0.id] ?? []).filter(Self.isStakeholderFacing))
                }
            }
        }
        return builder.build(shown, now: now)
    }

    /// The insights of the `days` before `now`, from memory: incidents declared in the window with their events,
    /// and every incident's action items.
    package func insights(days: Int, now: Date, configuration: EngineConfiguration) -> Insights {
        let sources = state.withLock { state in
            state.channels.values.flatMap { projected in
                projected.order.compactMap { projected.incidents[$0] }.map {
                    Insights.Source(
                        incident: $0,
                        records: projected.entries[$0.id] ?? [],
                        names: projected.names,
                        digest: projected.digests[$0.id] ?? Insights.Digest()
                    )
                }
            }
        }
        return Insights(sources, days: days, now: now, configuration: configuration, onCall: configuration.oncall)
    }

    /// Whether publishing the channel needs its log: only for an incident a view could show (active, or resolved
    /// within the longest window of the status page and the insights); a channel of old incidents is published from
    /// its state alone, so start-up does not read every log. (Private incidents count: the insights count them.)
    static func needsLog(_ state: ChannelState, now: Date) -> Bool {
        let oldest = now.addingTimeInterval(-TimeInterval(StatusPageSettings.longestHistoryDays + 1) * 86400)
        return state.incidents.values.contains { ($0.resolvedAt ?? now) >= oldest }
    }

    /// Whether the status page can show the event.
    static func isStakeholderFacing(_ record: EventRecord) -> Bool {
        record.incident != nil && StatusPageBuilder.isStakeholderFacing(record.event)
    }

    /// Whether the event is kept: the status page shows it or the insights replay it. The rest is digested.
    static func keeps(_ event: IncidentEvent) -> Bool {
        StatusPageBuilder.isStakeholderFacing(event) || Insights.keepsForCompliance(event)
    }
}
