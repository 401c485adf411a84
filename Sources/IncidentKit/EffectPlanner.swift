/// Who is told what: the effects one transaction implies, as pure values with stable ids. The shell renders and
/// delivers them; nothing here reads a clock, a file or the network, so every rule is unit-tested without I/O, and a
/// restart that plans a logged transaction again gets the very same effects.
///
/// Order within a transaction: the incident channel's posts (headline edits last), direct messages, role briefings, the audience
/// channels' copies, then PagerDuty events, then tracker requests.
package struct EffectPlanner: Sendable {
    package let policy: EffectPolicy

    package init(policy: EffectPolicy) { self.policy = policy }

    /// The effects of one transaction's `records`, applied to `before` to give `after`, in `channel`.
    package func plan<C: Collection>(_ records: C, before: ChannelState, after: ChannelState, in channel: ChannelRef) -> [Effect]
    where C.Element == EventRecord {
        let records = Array(records)
        guard let first = records.first else { return [] }
        var actions: [Effect.Action] = []
        let posts = Self.posts(implied: records)
        for post in posts {
            actions.append(.post(post, to: .incidentChannel(channel), placement: placement(of: post), offersActions: offersActions(post, after)))
        }
        for id in Self.headlinesToRefresh(records) {
            actions.append(.editHeadline(id, in: channel, offersActions: after.incidents[id]?.isActive == true))
        }
        actions += warRoomRequests(records, after: after, in: channel)
        actions += directMessages(for: posts, in: channel)
        actions += briefings(records, before: before, in: channel)
        actions += audienceCopies(records, posts: posts, before: before, after: after, own: channel)
        if policy.pagerDuty { actions += pagerDutyEvents(records, before: before, after: after) }
        if policy.tracker { actions += trackerRequests(records) }
        return actions.enumerated().map { Effect(id: EffectID(channel: channel, sequence: first.sequence, index: $0.offset), action: $0.element) }
    }

    /// The incident channel's posts a transaction implies, in order.
    static func posts(implied records: [EventRecord]) -> [ChannelPost] {
        let declaredHere = Set(records.filter(\.isDeclaration).compactMap(\.incident))
        return records.compactMap { record in
            switch record.event {
            case .paged: return .page(record)
            case .alertRecovered: return .recovery(record)
            case .handoverRecorded, .reminderSent(.handoverUnacknowledged, _): return .handover(record)
            // Repeated notifications change counts on the timeline only; a new incident's alert shows in its Initial Alert.
            // The war room's own Initial Alert says it all; the timeline keeps where it was declared.
            case .alertsChanged, .reportDeclared, .warRoomLinked: return nil
            case .alertDetected where record.incident.map(declaredHere.contains) == true: return nil
            case .runbookLinked where record.incident.map(declaredHere.contains) == true: return nil
            default: break
            }
            guard let id = record.incident else { return .notice(record) }
            switch record.event {
            case .declared: return .initialAlert(id)
            case .updatePosted: return .statusUpdate(id)
            case .resolved: return .resolution(id)
            case .reminderSent: return .reminder(record)
            case .holdingUpdatePosted: return .holdingUpdate(record)
            case .postmortemDrafted: return nil
            default: return .notice(record)
            }
        }
    }

    /// Incidents whose headline shows something the transaction changed: once each, unless it was declared in the
    /// same transaction (its Initial Alert already reads as it is now).
    static func headlinesToRefresh(_ records: [EventRecord]) -> [IncidentID] {
        let declaredHere = Set(records.filter(\.isDeclaration).compactMap(\.incident))
        var refreshed: [IncidentID] = []
        for record in records {
            guard let id = record.incident, record.changesHeadline, !declaredHere.contains(id), !refreshed.contains(id) else { continue }
            refreshed.append(id)
        }
        return refreshed
    }

    func placement(of post: ChannelPost) -> Placement {
        switch post {
        case .initialAlert: .headline
        case .statusUpdate, .resolution, .holdingUpdate: policy.stakeholderPostsInThread ? .thread : .channel
        case .reminder, .recovery: .thread
        case .notice(let record): record.isPin ? .thread : .channel
        case .page, .handover: .channel
        case .briefing: .thread
        }
    }

    /// The headline of an active incident and update reminders carry the quick actions (Acknowledge, Post update, Snooze).
    func offersActions(_ post: ChannelPost, _ after: ChannelState) -> Bool {
        switch post {
        case .initialAlert(let id): after.incidents[id]?.isActive == true
        case .reminder(let record):
            switch record.event {
            case .reminderSent(.updateDue, _), .reminderSent(.updateNudge, _): true
            default: false
            }
        default: false
        }
    }

    /// The person paged also gets the page privately, on platforms that can message a person by id.
    func directMessages(for posts: [ChannelPost], in channel: ChannelRef) -> [Effect.Action] {
        guard policy.directMessagePlatforms.contains(channel.platform) else { return [] }
        return posts.compactMap { post in
            switch post {
            case .page(let record):
                guard case .paged(_, let user, _) = record.event else { return nil }
                return .post(post, to: .directMessage(user, on: channel), placement: .channel, offersActions: false)
            case .notice(let record):
                // The owner of an item the tracker refused hears it privately too.
                guard case .actionTrackingRefused(_, let owner, _) = record.event else { return nil }
                return .post(post, to: .directMessage(owner, on: channel), placement: .channel, offersActions: false)
            default:
                return nil
            }
        }
    }

    /// War rooms: the channel where a war room was requested creates it; the war room brings in the declarer, the
    /// IC and everyone paged as they are, keeps its topic on the incident as it is (severity, status, IC), and is
    /// archived when its timer says.
    func warRoomRequests(_ records: [EventRecord], after: ChannelState, in channel: ChannelRef) -> [Effect.Action] {
        var actions: [Effect.Action] = []
        var topics: Set<IncidentID> = []
        for record in records {
            guard let id = record.incident else { continue }
            if case .warRoomRequested(let request) = record.event {
                actions.append(.warRoom(.create(request), id, room: channel))
                continue
            }
            guard let incident = after.incidents[id], incident.warRoom != nil else { continue }
            switch record.event {
            case .warRoomLinked:
                let people = [incident.declaredBy] + Role.allCases.compactMap { incident.roles[$0] } + incident.pages.map(\.user)
                actions.append(.warRoom(.invite(people.reduce(into: []) { if !$0.contains($1) { $0.append($1) } }), id, room: channel))
                topics.insert(id)
            case .roleAssigned(_, let user, _), .paged(_, let user, _):
                actions.append(.warRoom(.invite([user]), id, room: channel))
            case .warRoomArchived:
                actions.append(.warRoom(.archive, id, room: channel))
            default:
                break
            }
            if record.changesTopic { topics.insert(id) }
        }
        for id in topics.sorted(by: { $0.description < $1.description }) where after.incidents[id]?.warRoom?.archived == false {
            // Before an archive in the same transaction: an archived channel's topic cannot change.
            let at = actions.firstIndex { if case .warRoom(.archive, id, _) = $0 { true } else { false } } ?? actions.count
            actions.insert(.warRoom(.setTopic, id, room: channel), at: at)
        }
        return actions
    }

    /// A person assigned a role for the first time in an incident gets the role's checklist: privately where the
    /// platform can message a person, else as a reply in the incident's thread that mentions them. Taking a role
    /// back, or being assigned it again, sends nothing more.
    func briefings(_ records: [EventRecord], before: ChannelState, in channel: ChannelRef) -> [Effect.Action] {
        var briefed: Set<Briefed> = []
        return records.compactMap { record in
            guard case .roleAssigned(let role, let user, _) = record.event, let id = record.incident,
                !policy.briefings.checklist(for: role).isEmpty,
                before.incidents[id]?.roleHolders[role]?.contains(user) != true,
                briefed.insert(Briefed(incident: id, role: role, user: user)).inserted
            else { return nil }
            let post = ChannelPost.briefing(record)
            guard policy.directMessagePlatforms.contains(channel.platform) else {
                return .post(post, to: .incidentChannel(channel), placement: placement(of: post), offersActions: false)
            }
            return .post(post, to: .directMessage(user, on: channel), placement: .channel, offersActions: false)
        }
    }

    private struct Briefed: Hashable {
        let incident: IncidentID
        let role: Role
        let user: UserRef
    }

    /// The audience copies of a transaction's stakeholder posts. A channel that joins the audience (declaration, a
    /// raised severity, an incident made public) first gets the Initial Alert as it reads now, so nobody receives
    /// updates about an incident they were never told of. Notes, notices and reminders never go out.
    func audienceCopies(_ records: [EventRecord], posts: [ChannelPost], before: ChannelState, after: ChannelState, own: ChannelRef) -> [Effect.Action]
    {
        var byChannel: [ChannelRef: [Effect.Action]] = [:]
        var order: [ChannelRef] = []
        func add(_ action: Effect.Action, to channel: ChannelRef) {
            if byChannel[channel] == nil { order.append(channel) }
            byChannel[channel, default: []].append(action)
        }
        let touched = records.compactMap(\.incident).reduce(into: [IncidentID]()) { if !$0.contains($1) { $0.append($1) } }
        let stakeholderPosts = posts.filter(\.isForStakeholders)
        for id in touched {
            let previous = policy.audienceChannels(for: before.incidents[id], excluding: own)
            for channel in policy.audienceChannels(for: after.incidents[id], excluding: own) {
                guard previous.contains(channel) else {
                    add(.post(.initialAlert(id), to: .audience(channel), placement: .headline, offersActions: false), to: channel)
                    continue
                }
                for post in stakeholderPosts where post.incident == id {
                    add(.post(post, to: .audience(channel), placement: placement(of: post), offersActions: false), to: channel)
                }
            }
        }
        return order.flatMap { byChannel[$0]! }
    }

    /// Each action item becomes an issue in the tracker when added, is updated when its owner changes, and is closed
    /// when done.
    func trackerRequests(_ records: [EventRecord]) -> [Effect.Action] {
        records.compactMap { record in
            guard let id = record.incident else { return nil }
            switch record.event {
            case .actionAdded(let number, _, _, _): return .tracker(.create, id, item: number)
            case .actionReassigned(let number, _, _): return .tracker(.update, id, item: number)
            case .actionCompleted(let number): return .tracker(.close, id, item: number)
            default: return nil
            }
        }
    }

    /// The first page of an incident triggers PagerDuty, an acknowledgement of a paged incident acknowledges, and the
    /// resolution of a paged incident resolves; all keyed by the incident id.
    func pagerDutyEvents(_ records: [EventRecord], before: ChannelState, after: ChannelState) -> [Effect.Action] {
        var actions: [Effect.Action] = []
        var triggered: Set<IncidentID> = []
        for record in records {
            guard let id = record.incident, let incident = after.incidents[id] else { continue }
            let wasPaged = !(before.incidents[id]?.pages.isEmpty ?? true)
            switch record.event {
            case .paged where !wasPaged && !triggered.contains(id):
                triggered.insert(id)
                actions.append(.pagerDuty(.trigger, id))
            case .acknowledged where wasPaged:
                actions.append(.pagerDuty(.acknowledge, id))
            case .resolved where wasPaged || !incident.pages.isEmpty:
                actions.append(.pagerDuty(.resolve, id))
            default:
                break
            }
        }
        return actions
    }
}
