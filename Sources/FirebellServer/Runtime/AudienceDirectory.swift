import Foundation
import IncidentKit
import Messaging

/// Posts for a channel other than the incident's own.
public struct AddressedPosts: Sendable, Equatable {
    public var channel: ChannelRef
    public var posts: [RenderedPost]
}

/// Where the stakeholder posts of each severity go besides the incident channel: the audience channels of
/// the severity table (SEV1: executives and customers, SEV2: status, SEV3: team, SEV4: none by default).
struct AudienceDirectory: Sendable {
    private let channelsBySeverity: [Severity: [ChannelRef]]

    init(severities: SeverityPolicyTable, channels: [String: [ChannelRef]]) {
        var bySeverity: [Severity: [ChannelRef]] = [:]
        for severity in Severity.allCases {
            var list: [ChannelRef] = []
            for name in severities[severity].audiences {
                for channel in channels[name] ?? [] where !list.contains(channel) { list.append(channel) }
            }
            bySeverity[severity] = list
        }
        channelsBySeverity = bySeverity
    }

    /// The audience channels of `incident` (none for a private one), never the incident's own channel.
    func channels(for incident: Incident?, excluding own: ChannelRef) -> [ChannelRef] {
        guard let incident, !incident.isPrivate else { return [] }
        return (channelsBySeverity[incident.severity] ?? []).filter { $0 != own }
    }

    /// The audience copies of a batch's stakeholder posts. A channel that joins the audience (declaration, a
    /// raised severity, an incident made public) first gets the Initial Alert as it reads now, so nobody
    /// receives updates about an incident they were never told of. Notes, notices and reminders never go out.
    func posts(for records: [EventRecord], before: ChannelState, after: ChannelState, own: ChannelRef, renderer: MessageRenderer) -> [AddressedPosts] {
        var result: [ChannelRef: [RenderedPost]] = [:]
        var order: [ChannelRef] = []
        func add(_ post: ChannelPost, to channel: ChannelRef) {
            var rendered = renderer.renderPost(post, state: after, markup: IncidentService.markup(for: channel.platform))
            rendered.offersActions = false
            if case .headline = post { rendered.purpose = .alert }
            if result[channel] == nil { order.append(channel) }
            result[channel, default: []].append(rendered)
        }
        let touched = records.compactMap(\.incident).reduce(into: [IncidentID]()) { if !$0.contains($1) { $0.append($1) } }
        let stakeholderPosts = ChannelPost.implied(by: records).filter(\.isForStakeholders)
        for id in touched {
            let previous = channels(for: before.incidents[id], excluding: own)
            let current = channels(for: after.incidents[id], excluding: own)
            for channel in current {
                if !previous.contains(channel) {
                    add(.headline(id), to: channel)
                    continue
                }
                for post in stakeholderPosts where post.incident == id { add(post, to: channel) }
            }
        }
        return order.map { AddressedPosts(channel: $0, posts: result[$0]!) }
    }
}

extension ChannelPost {
    /// Initial Alert, Status Update, holding update and Resolution: what stakeholders are told.
    var isForStakeholders: Bool {
        switch self {
        case .initialAlert, .statusUpdate, .resolution, .holdingUpdate: true
        case .notice, .reminder, .headline: false
        }
    }

    var incident: IncidentID? {
        switch self {
        case .initialAlert(let id), .statusUpdate(let id), .resolution(let id), .headline(let id): id
        case .notice(let record), .reminder(let record), .holdingUpdate(let record): record.incident
        }
    }
}
