import Foundation
import IncidentKit
import Messaging
import Platforms

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
        case .notice, .reminder, .headline, .page, .recovery, .handover: false
        }
    }

    var incident: IncidentID? {
        switch self {
        case .initialAlert(let id), .statusUpdate(let id), .resolution(let id), .headline(let id): id
        case .notice(let record), .reminder(let record), .holdingUpdate(let record), .page(let record), .recovery(let record),
             .handover(let record): record.incident
        }
    }
}

/// Direct messages for the people a batch pages, on platforms that can message a user by id (Slack).
enum DirectMessages {
    static let platforms: Set<String> = ["slack"]

    static func posts(for posts: [RenderedPost], in channel: ChannelRef) -> [AddressedPosts] {
        guard platforms.contains(channel.platform) else { return [] }
        return posts.compactMap { post in
            post.directRecipient.map { user in
                // Slack delivers a bot's message to a user id to the app's direct-message conversation with that user.
                AddressedPosts(channel: ChannelRef(platform: channel.platform, workspace: channel.workspace, channel: user.id),
                               posts: [RenderedPost(text: post.text, incident: post.incident, purpose: .notice)])
            }
        }
    }
}

/// PagerDuty events implied by a batch: the first page triggers, an acknowledgement acknowledges, resolution resolves.
enum PagerDutyFanOut {
    static func posts(for records: [EventRecord], before: ChannelState, after: ChannelState) -> [AddressedPosts] {
        var events: [RenderedPost] = []
        for record in records {
            guard let id = record.incident, let incident = after.incidents[id] else { continue }
            let wasPaged = !(before.incidents[id]?.pages.isEmpty ?? true)
            let action: String? = switch record.event {
            case .paged where !wasPaged && !events.contains(where: { $0.incident == id }): "trigger"
            case .acknowledged where wasPaged: "acknowledge"
            case .resolved where wasPaged || !incident.pages.isEmpty: "resolve"
            default: nil
            }
            if let action { events.append(RenderedPost(text: PagerDutyEvents.event(action, incident: incident), incident: id, purpose: .notice)) }
        }
        return events.isEmpty ? [] : [AddressedPosts(channel: PagerDutyEvents.queue, posts: events)]
    }
}
