import Foundation
import Testing

@testable import IncidentKit

/// Who is told what: every rule of the effect planner, on a drill without I/O.
@Suite("Effect planner")
struct EffectPlannerTests {
    static let channel = ChannelRef(platform: .slack, workspace: "T1", channel: "C0INC")
    static let status = ChannelRef(platform: .slack, workspace: "T1", channel: "C0STATUS")
    static let execs = ChannelRef(platform: .slack, workspace: "T1", channel: "C0EXEC")

    /// Runs a line and plans the effects of what it recorded.
    struct Planned {
        var drill = Drill()
        var planner: EffectPlanner
        var channel = EffectPlannerTests.channel

        init(
            _ policy: EffectPolicy = EffectPolicy(audiences: [
                .sev1: [EffectPlannerTests.execs, EffectPlannerTests.status], .sev2: [EffectPlannerTests.status],
            ]),
            engine: IncidentEngine = IncidentEngine()
        ) {
            planner = EffectPlanner(policy: policy)
            drill.engine = engine
        }

        mutating func run(_ line: String, as user: String = "carol") throws -> [Effect] {
            let before = drill.state
            let first = before.lastSequence + 1
            let decision = try drill.run("/incident " + line, as: user)
            guard case .record(let records) = decision else { return [] }
            #expect(records.first?.sequence == first)
            return planner.plan(records, before: before, after: drill.state, in: channel)
        }

        /// The effects of `line` run on a fresh SEV1.
        func briefed(_ line: String) throws -> [Effect] {
            var copy = self
            _ = try copy.run("declare sev1 Checkout down")
            return try copy.run(line)
        }

        mutating func input(_ input: Input, as user: String = "firebell") throws -> [Effect] {
            let before = drill.state
            let context = CommandContext(actor: UserRef(user), now: drill.now, newIncidentID: IncidentID(year: 2026, sequence: drill.nextSequence))
            guard case .record(let records) = try drill.engine.decide(input, state: before, context: context) else { return [] }
            for record in records { drill.state.apply(record) }
            return planner.plan(records, before: before, after: drill.state, in: channel)
        }
    }

    /// One line per effect: what, to whom, where.
    static func summary(_ effects: [Effect]) -> [String] {
        effects.map { effect in
            switch effect.action {
            case .post(let post, let recipient, let placement, let actions):
                let kind: String =
                    switch post {
                    case .initialAlert: "initialAlert"
                    case .statusUpdate: "statusUpdate"
                    case .resolution: "resolution"
                    case .notice: "notice"
                    case .reminder: "reminder"
                    case .holdingUpdate: "holdingUpdate"
                    case .page: "page"
                    case .recovery: "recovery"
                    case .handover: "handover"
                    case .briefing: "briefing"
                    }
                let to: String =
                    switch recipient {
                    case .incidentChannel(let channel): channel.channel
                    case .audience(let channel): "audience " + channel.channel
                    case .directMessage(let user, _): "dm " + user.id
                    }
                return "\(kind) → \(to) (\(placement.rawValue))" + (actions ? " +actions" : "")
            case .editHeadline(let id, let channel, let actions):
                return "edit \(id) in \(channel.channel)" + (actions ? " +actions" : "")
            case .pagerDuty(let action, let id):
                return "pagerduty \(action.rawValue) \(id)"
            case .tracker(let action, let id, let item):
                return "tracker \(action.rawValue) \(id) #\(item)"
            case .warRoom(let action, let id, let room):
                let what: String =
                    switch action {
                    case .create(let request): "create #\(request.name)"
                    case .invite(let people): "invite " + people.map(\.id).joined(separator: ",")
                    case .setTopic: "topic"
                    case .archive: "archive"
                    }
                return "war room \(what) \(id) in \(room.channel)"
            }
        }
    }

    @Test func aDeclarationPostsTheHeadlineAndTellsTheSeveritysAudiences() throws {
        var planned = Planned()
        #expect(
            Self.summary(try planned.run("declare sev2 Checkout down")) == [
                "initialAlert → C0INC (headline) +actions", "initialAlert → audience C0STATUS (headline)",
            ],
            "no edit of a headline that was just posted; audiences get no buttons"
        )
    }

    @Test func notesAndActionItemsStayInTheIncidentChannelAndEditNothing() throws {
        var planned = Planned()
        _ = try planned.run("declare sev2 Checkout down")
        #expect(Self.summary(try planned.run("note db password rotated")) == ["notice → C0INC (channel)"])
        #expect(Self.summary(try planned.run("action add Rotate keys @bob due: 2026-12-01")) == ["notice → C0INC (channel)"])
        #expect(
            Self.summary(try planned.run("role scribe @dana")) == ["notice → C0INC (channel)", "briefing → C0INC (thread)"],
            "only the IC is on the headline"
        )
    }

    @Test func whatTheHeadlineShowsEditsItOncePerTransaction() throws {
        var planned = Planned()
        _ = try planned.run("declare sev2 Checkout down")
        #expect(
            Self.summary(try planned.run("role ic @alice")) == [
                "notice → C0INC (channel)", "edit INC-2026-0001 in C0INC +actions", "briefing → C0INC (thread)",
            ]
        )
        #expect(
            Self.summary(try planned.run("update Rolled back", as: "alice")) == [
                "statusUpdate → C0INC (channel)", "edit INC-2026-0001 in C0INC +actions", "statusUpdate → audience C0STATUS (channel)",
            ]
        )
        // Acknowledging an alert-opened incident records two events (ack, triage → investigating): one edit.
        let resolved = try planned.run("resolve", as: "alice")
        #expect(
            Self.summary(resolved) == ["resolution → C0INC (channel)", "edit INC-2026-0001 in C0INC", "resolution → audience C0STATUS (channel)"],
            "a resolved headline loses its buttons"
        )
    }

    @Test func stakeholderPostsGoToTheThreadWhenConfigured() throws {
        var planned = Planned(EffectPolicy(audiences: [.sev2: [Self.status]], stakeholderPostsInThread: true))
        _ = try planned.run("declare sev2 Checkout down")
        #expect(
            Self.summary(try planned.run("update Rolled back")) == [
                "statusUpdate → C0INC (thread)", "edit INC-2026-0001 in C0INC +actions", "statusUpdate → audience C0STATUS (thread)",
            ]
        )
    }

    @Test func aChannelJoiningTheAudienceFirstGetsTheInitialAlert() throws {
        var planned = Planned()
        _ = try planned.run("declare sev2 Checkout down")
        let raised = try planned.run("sev 1 all regions")
        #expect(
            Self.summary(raised) == [
                "notice → C0INC (channel)", "edit INC-2026-0001 in C0INC +actions", "initialAlert → audience C0EXEC (headline)",
            ],
            "executives join and get the alert as it reads now; the status channel already knew"
        )
        #expect(
            Self.summary(try planned.run("update Failing over")).filter { $0.contains("audience") } == [
                "statusUpdate → audience C0EXEC (channel)", "statusUpdate → audience C0STATUS (channel)",
            ]
        )
    }

    @Test func aPrivateIncidentReachesNoAudienceUntilMadePublic() throws {
        var planned = Planned()
        _ = try planned.run("declare sev1 Payroll data exposed")
        #expect(Self.summary(try planned.run("private on")).allSatisfy { !$0.contains("audience") })
        #expect(Self.summary(try planned.run("update Contained")).allSatisfy { !$0.contains("audience") })
        #expect(
            Self.summary(try planned.run("private off")).filter { $0.contains("audience") } == [
                "initialAlert → audience C0EXEC (headline)", "initialAlert → audience C0STATUS (headline)",
            ]
        )
    }

    @Test func remindersGoToTheThreadWithButtonsForUpdates() throws {
        var planned = Planned(EffectPolicy())
        _ = try planned.run("declare sev1 Down")
        _ = try planned.run("role ic @alice")
        planned.drill.advance(minutes: 15)
        let reminder = try planned.input(.timersDue(IncidentID(year: 2026, sequence: 1)))
        #expect(Self.summary(reminder) == ["reminder → C0INC (thread) +actions"])
    }

    @Test func holdingUpdatesRecoveriesAndHandoversArePlacedWhereTheyBelong() throws {
        var planned = Planned()
        _ = try planned.run("declare sev2 Checkout down")
        _ = try planned.run("role ic @alice")
        planned.drill.advance(minutes: 30)
        #expect(Self.summary(try planned.input(.timersDue(IncidentID(year: 2026, sequence: 1)))) == ["reminder → C0INC (thread) +actions"])
        planned.drill.advance(minutes: 30)
        let due = try planned.input(.timersDue(IncidentID(year: 2026, sequence: 1)))
        #expect(
            Self.summary(due).contains("holdingUpdate → audience C0STATUS (channel)"),
            "a silent IC's holding update reaches stakeholders: \(Self.summary(due))"
        )
        #expect(
            Self.summary(try planned.run("handover @bob quiet week", as: "alice")) == ["handover → C0INC (channel)"],
            "never in a thread, never to audiences"
        )

        var alerted = Planned(EffectPolicy())
        let firing = AlertSignal(source: "alertmanager", key: "k", isFiring: true, title: "HighErrorRate", severity: .sev2)
        _ = try alerted.input(.alert(firing), as: "monitoring")
        var resolved = firing
        resolved.isFiring = false
        resolved.firingCount = 0
        resolved.resolvedCount = 1
        #expect(
            Self.summary(try alerted.input(.alert(resolved), as: "monitoring")) == ["recovery → C0INC (thread)"],
            "the IC is told in the incident's thread"
        )
    }

    static func oncall() -> EngineConfiguration {
        var configuration = EngineConfiguration.standard
        configuration.oncall.rotations = [
            Rotation(
                name: "payments",
                timeZone: TimeZone(identifier: "UTC")!,
                length: .weekly,
                start: CalendarDate(parsing: "2026-11-16")!,
                levels: [[UserRef("alice"), UserRef("bob")], [UserRef("dana")], [UserRef("frank")], [UserRef("grace")]]
            )
        ]
        configuration.oncall.pageOnDeclare = [.sev1]
        return configuration
    }

    @Test func aPageIsPostedAndSentDirectlyWhereThePlatformCan() throws {
        // Slack's capabilities include direct messages; Mattermost's do not.
        let policy = EffectPolicy(directMessagePlatforms: [.slack], pagerDuty: false)
        var slack = Planned(policy, engine: IncidentEngine(configuration: Self.oncall()))
        let onSlack = Self.summary(try slack.run("declare sev1 Down"))
        #expect(onSlack.count == 3 && onSlack[1].hasPrefix("page → C0INC (channel)") && onSlack[2].hasPrefix("page → dm alice"), "\(onSlack)")
        var mattermost = Planned(policy, engine: IncidentEngine(configuration: Self.oncall()))
        mattermost.channel = ChannelRef(platform: .mattermost, workspace: "team", channel: "town-square")
        #expect(Self.summary(try mattermost.run("declare sev1 Down")).allSatisfy { !$0.contains("→ dm ") }, "no direct messages on Mattermost")
    }

    @Test func aRolesNewHolderIsBriefedOncePrivatelyWherePossible() throws {
        var slack = Planned(EffectPolicy(directMessagePlatforms: [.slack]))
        _ = try slack.run("declare sev1 Checkout down")
        #expect(Self.summary(try slack.run("role scribe @dana")) == ["notice → C0INC (channel)", "briefing → dm dana (channel)"])
        #expect(Self.summary(try slack.run("role scribe @erin")).last == "briefing → dm erin (channel)", "a new holder is briefed")
        #expect(
            Self.summary(try slack.run("role scribe @dana")) == ["notice → C0INC (channel)"],
            "taking the role back: briefed once per person and role"
        )
        #expect(Self.summary(try slack.run("role lead @dana")).last == "briefing → dm dana (channel)", "another role: its own briefing")
        _ = try slack.run("resolve")
        _ = try slack.run("reopen flapping")
        #expect(Self.summary(try slack.run("role scribe @erin")) == ["notice → C0INC (channel)"], "once per incident, reopened or not")

        var next = slack
        _ = try next.run("resolve")
        _ = try next.run("declare sev2 Search slow")
        #expect(Self.summary(try next.run("role scribe @dana")).last == "briefing → dm dana (channel)", "a new incident briefs again")

        // A role configured without a checklist sends nothing; the others keep theirs.
        var quiet = Planned(EffectPolicy(directMessagePlatforms: [.slack], briefings: RoleBriefings([.ic: ["Coordinate."]])))
        _ = try quiet.run("declare sev1 Checkout down")
        #expect(Self.summary(try quiet.run("role scribe @dana")) == ["notice → C0INC (channel)"])
        #expect(Self.summary(try quiet.run("role ic @dana")).last == "briefing → dm dana (channel)")

        // The briefing reads the role and its checklist, with the person addressed.
        let effects = try Planned(EffectPolicy(directMessagePlatforms: [.slack])).briefed("role comms @dan")
        guard case .post(.briefing(let record), .directMessage(let user, _), _, false) = effects.last?.action else {
            Issue.record("no briefing: \(effects)")
            return
        }
        #expect(user == UserRef("dan"))
        #expect(record.event == .roleAssigned(role: .comms, user: UserRef("dan"), previous: nil))
    }

    @Test func actionItemsBecomeTrackerIssuesAndTheTrackersAnswersAreRecordedOnce() throws {
        var planned = Planned(EffectPolicy(directMessagePlatforms: [.slack], tracker: true))
        _ = try planned.run("declare sev2 Checkout down")
        #expect(
            Self.summary(try planned.run("action add Add a canary @bob due: 2026-12-01")) == [
                "notice → C0INC (channel)", "tracker create INC-2026-0001 #1",
            ]
        )
        let id = IncidentID(year: 2026, sequence: 1)
        let link = TrackerLink(key: "OPS-12", url: "https://acme.atlassian.net/browse/OPS-12")
        let created = Input.tracker(TrackerAnswer(incident: id, item: 1, result: .created(link)))
        #expect(Self.summary(try planned.input(created)) == ["notice → C0INC (channel)"], "the link is said in the channel")
        #expect(planned.drill.state.incidents[id]?.actionItems.first?.tracker == link)
        #expect(try planned.input(created).isEmpty, "a repeated answer records nothing")
        #expect(Self.summary(try planned.run("action reassign 1 @dana")) == ["notice → C0INC (channel)", "tracker update INC-2026-0001 #1"])
        #expect(Self.summary(try planned.run("action done 1", as: "dana")) == ["notice → C0INC (channel)", "tracker close INC-2026-0001 #1"])

        _ = try planned.run("action add Page the DBA team @erin due: 2026-12-02")
        let refused = Input.tracker(TrackerAnswer(incident: id, item: 2, result: .refused("Jira answered 401: invalid credentials")))
        #expect(Self.summary(try planned.input(refused)) == ["notice → C0INC (channel)", "notice → dm erin (channel)"], "the owner is told")
        #expect(planned.drill.state.incidents[id]?.actionItems.last?.trackerRefusal == "Jira answered 401: invalid credentials")
        #expect(try planned.input(refused).isEmpty, "once")
        let unknown = Input.tracker(TrackerAnswer(incident: id, item: 9, result: .created(link)))
        #expect(try planned.input(unknown).isEmpty, "an item that does not exist records nothing")

        var untracked = Planned()
        _ = try untracked.run("declare sev2 Checkout down")
        #expect(
            Self.summary(try untracked.run("action add Add a canary @bob due: 2026-12-01")) == ["notice → C0INC (channel)"],
            "no tracker configured"
        )
    }

    @Test func pagerDutyIsTriggeredOnceAcknowledgedAndResolved() throws {
        var planned = Planned(EffectPolicy(pagerDuty: true), engine: IncidentEngine(configuration: Self.oncall()))
        #expect(Self.summary(try planned.run("declare sev1 Down")).last == "pagerduty trigger INC-2026-0001")
        #expect(Self.summary(try planned.run("escalate")).allSatisfy { !$0.hasPrefix("pagerduty") }, "a second page does not trigger again")
        #expect(Self.summary(try planned.run("ack", as: "alice")).last == "pagerduty acknowledge INC-2026-0001")
        #expect(Self.summary(try planned.run("resolve", as: "alice")).last == "pagerduty resolve INC-2026-0001")
        var unpaged = Planned(EffectPolicy(pagerDuty: true))
        _ = try unpaged.run("declare sev3 Slow")
        #expect(
            Self.summary(try unpaged.run("ack") + unpaged.run("resolve")).allSatisfy { !$0.hasPrefix("pagerduty") },
            "an incident nobody was paged for never reaches PagerDuty"
        )
    }

    @Test func anAlertOpenedIncidentShowsTheAlertInItsInitialAlertOnly() throws {
        var planned = Planned(EffectPolicy())
        let signal = AlertSignal(source: "alertmanager", key: "k", isFiring: true, title: "HighErrorRate", severity: .sev2)
        let opened = Self.summary(try planned.input(.alert(signal), as: "monitoring"))
        #expect(opened == ["initialAlert → C0INC (headline) +actions"])
        var repeated = signal
        repeated.firingCount = 3
        #expect(try planned.input(.alert(repeated), as: "monitoring").isEmpty, "a repeated notification changes counts only")
    }

    @Test func effectIDsAreStableShortAndDistinct() throws {
        var planned = Planned()
        let declared = try planned.run("declare sev2 Checkout down")
        #expect(declared.map(\.id.description) == ["slack/T1/C0INC#1.0", "slack/T1/C0INC#1.1"])
        var again = Planned()
        #expect(try again.run("declare sev2 Checkout down") == declared, "planning the same transaction again gives the same effects and ids")
        let keys = declared.map(\.id.key)
        #expect(Set(keys).count == keys.count)
        let long = EffectID(
            channel: ChannelRef(platform: .mattermost, workspace: String(repeating: "w", count: 64), channel: String(repeating: "c", count: 64)),
            sequence: 9_999_999,
            index: 12
        )
        #expect(long.key.count <= 25, "fits Discord's nonce: \(long.key)")
        #expect(long.key.allSatisfy { $0.isLetter || $0.isNumber || $0 == "-" })
        #expect(EffectID(channel: Self.channel, sequence: 1, index: 0).key != EffectID(channel: Self.status, sequence: 1, index: 0).key)
    }

    @Test func aLogSplitsIntoTheTransactionsThatWroteIt() {
        let at = Date(timeIntervalSince1970: 0)
        func record(_ sequence: Int, size: Int? = nil) -> EventRecord {
            EventRecord(
                sequence: sequence,
                at: at,
                actor: UserRef("a"),
                incident: nil,
                event: .notePosted(text: "\(sequence)"),
                transactionSize: size
            )
        }
        let log = [record(1, size: 2), record(2), record(3), record(4, size: 3), record(5), record(6), record(7)]
        #expect(EventRecord.transactions(in: log).map { $0.map(\.sequence) } == [[1, 2], [3], [4, 5, 6], [7]])
        // A damaged line (5) is missing: its transaction ends where the next marked one starts, never swallowing it.
        let damaged = [record(4, size: 3), record(6), record(7, size: 2), record(8)]
        #expect(EventRecord.transactions(in: damaged).map { $0.map(\.sequence) } == [[4, 6], [7, 8]])
        #expect(EventRecord.transaction([record(1), record(2)], delivery: "Ev1").first?.transactionSize == 2)
        #expect(EventRecord.transaction([record(1)], delivery: "Ev1").first.map { ($0.transactionSize, $0.delivery) } ?? (0, nil) == (nil, "Ev1"))
    }
}
