/// What a transaction's events imply beyond the log: a message, an edit, a page. Planned by pure code
/// (`EffectPlanner`) from the state before, the accepted records and the configuration; delivered by the shell.
package struct Effect: Sendable, Equatable {
    package var id: EffectID
    package var action: Action

    package init(id: EffectID, action: Action) {
        self.id = id
        self.action = action
    }

    package enum Action: Sendable, Equatable {
        /// A message: what it says (rendered by the shell from the state after the transaction), who gets it, and where
        /// it goes in the conversation.
        case post(ChannelPost, to: Recipient, placement: Placement, offersActions: Bool)
        /// The incident's headline post (its Initial Alert) rewritten to show the incident as it is now.
        case editHeadline(IncidentID, in: ChannelRef, offersActions: Bool)
        /// An event for PagerDuty, keyed by the incident, so phones ring through it.
        case pagerDuty(PagerDutyAction, IncidentID)
        /// A request to the team's tracker about one action item's issue.
        case tracker(TrackerAction, IncidentID, item: Int)
        /// Something to do to a war room: create it (from the channel where the incident was declared), invite,
        /// set its topic, archive it. `room` is the conversation it is done in or from.
        case warRoom(WarRoomAction, IncidentID, room: ChannelRef)
    }

    /// The incident the effect is about, if any.
    package var incident: IncidentID? {
        switch action {
        case .post(let post, _, _, _): post.incident
        case .editHeadline(let id, _, _), .pagerDuty(_, let id), .tracker(_, let id, _), .warRoom(_, let id, _): id
        }
    }

    /// Where the effect is delivered; deliveries to one destination keep their order.
    package var destination: Destination {
        switch action {
        case .post(_, let recipient, _, _): .chat(recipient.channel)
        case .editHeadline(_, let channel, _): .chat(channel)
        case .pagerDuty: .pagerDuty
        case .tracker: .tracker
        case .warRoom(_, _, let room): .chat(room)
        }
    }
}

/// Where deliveries go: a chat conversation, PagerDuty's Events API, or the team's tracker (one ordered queue each for
/// all incidents, so an item's issue is created before it is closed).
package enum Destination: Hashable, Sendable, CustomStringConvertible {
    case chat(ChannelRef)
    case pagerDuty
    case tracker

    package var description: String {
        switch self {
        case .chat(let channel): channel.description
        case .pagerDuty: "pagerduty"
        case .tracker: "tracker"
        }
    }
}

/// Who a post is for.
package enum Recipient: Hashable, Sendable {
    /// The channel the incident runs in.
    case incidentChannel(ChannelRef)
    /// A stakeholder channel of the incident's severity (executives, customers, status).
    case audience(ChannelRef)
    /// One person, privately, on the incident channel's platform and workspace.
    case directMessage(UserRef, on: ChannelRef)

    /// The conversation the platform delivers to. A direct message goes to the person's id, which Slack accepts as
    /// a channel and turns into the app's direct conversation with them.
    package var channel: ChannelRef {
        switch self {
        case .incidentChannel(let channel), .audience(let channel): channel
        case .directMessage(let user, let on): ChannelRef(platform: on.platform, workspace: on.workspace, channel: user.id)
        }
    }
}

/// Where a post goes in the conversation.
package enum Placement: String, Sendable, Codable {
    /// The incident's headline: the Initial Alert, which later edits replace and threads hang under.
    case headline
    /// A reply in the incident's thread (under its headline), where the platform has threads.
    case thread
    /// A new message in the channel.
    case channel
}

/// What a PagerDuty event does to the incident's alert.
package enum PagerDutyAction: String, Sendable, Codable {
    case trigger, acknowledge, resolve
}

/// The stable identity of one effect: the channel whose transaction implied it, the sequence of that transaction's
/// first record, and the effect's position among the transaction's effects. A restart plans the same ids again, so
/// delivery can tell what it already did, and platforms that deduplicate on a key see the same key.
package struct EffectID: Hashable, Sendable, Codable, CustomStringConvertible {
    package let channel: ChannelRef
    package let sequence: Int
    package let index: Int

    package init(channel: ChannelRef, sequence: Int, index: Int) {
        self.channel = channel
        self.sequence = sequence
        self.index = index
    }

    /// "slack/T1/C1#42.0".
    package var description: String { "\(channel)#\(sequence).\(index)" }

    /// The id as a short key of letters, digits and `-`, at most 25 characters (Discord's limit for a `nonce`):
    /// a 64-bit FNV-1a hash of the channel, the sequence and the index, in base 36.
    package var key: String {
        "fb" + String(Self.fnv1a(channel.description), radix: 36) + "-" + String(sequence, radix: 36) + "-" + String(index, radix: 36)
    }

    static func fnv1a(_ text: String) -> UInt64 {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in text.utf8 {
            hash ^= UInt64(byte)
            hash = hash &* 0x0000_0100_0000_01B3
        }
        return hash
    }
}
