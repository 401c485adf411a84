import Foundation
import Testing

@testable import IncidentKit

@Suite("Incident engine")
struct IncidentEngineTests {
    @Test func declareOpensAnIncidentWithItsFields() throws {
        var drill = Drill()
        let decision = try drill.run("/incident declare sev2 Checkout returns 500s impact: 30% of card payments fail systems: checkout")
        guard case .record(let records) = decision else {
            Issue.record("expected events")
            return
        }
        #expect(records.count == 1)
        #expect(records[0].sequence == 1 && records[0].schema == EventRecord.currentSchema && records[0].actor == UserRef("carol"))
        let incident = drill.incident
        #expect(incident.id.description == "INC-2026-0001")
        #expect(incident.title == "Checkout returns 500s")
        #expect(incident.severity == .sev2 && incident.status == .investigating)
        #expect(incident.impact == "30% of card payments fail" && incident.systems == ["checkout"])
        #expect(incident.declaredAt == drill.now && incident.detectedAt == drill.now)
        #expect(drill.state.activeID == incident.id)
    }

    @Test func oneActiveIncidentPerChannel() throws {
        var drill = Drill()
        try drill.run("/incident declare sev2 First")
        let refusal = drill.refusal("/incident declare sev1 Second")
        let refused = try #require(refusal)
        #expect(
            refused.problem
                == "INC-2026-0001 (SEV2, \"First\") is still active in this channel; resolve it first or post to it with /incident update."
        )
        try drill.run("/incident resolve")
        try drill.run("/incident declare sev1 Second")
        #expect(drill.incident.id.description == "INC-2026-0002")
        #expect(drill.state.order.count == 2)
    }

    @Test(arguments: [
        "/incident update x", "/incident mitigated", "/incident resolve", "/incident ack", "/incident sev 1",
        "/incident role ic @a", "/incident status identified", "/incident snooze 10m", "/incident remind off", "/incident escalate",
    ])
    func stateChangesNeedAnActiveIncident(line: String) throws {
        var drill = Drill()
        #expect(drill.refusal(line)?.problem == "There is no active incident in this channel. Declare one with /incident declare <sev1-4> <title>.")
        try drill.run("/incident declare sev3 Old")
        try drill.run("/incident resolve")
        #expect(
            drill.refusal(line)?.problem.hasPrefix(
                "There is no active incident in this channel (INC-2026-0001 is resolved; reopen it with /incident reopen)."
            ) == true
        )
    }

    @Test func reopenOnlyAResolvedIncident() throws {
        var drill = Drill()
        #expect(drill.refusal("/incident reopen")?.problem.hasPrefix("There is no resolved incident in this channel to reopen.") == true)
        try drill.run("/incident declare sev3 Flaky")
        #expect(drill.refusal("/incident reopen")?.problem == "INC-2026-0001 is still active; only a resolved incident can be reopened.")
        try drill.run("/incident resolve")
        try drill.run("/incident reopen came back")
        #expect(drill.incident.isActive && drill.incident.status == .investigating && drill.incident.resolvedAt == nil)
        #expect(drill.incident.reopenCount == 1)
    }

    @Test func loweringSeverityNeedsAReasonRaisingDoesNot() throws {
        var drill = Drill()
        try drill.run("/incident declare sev3 Slow")
        try drill.run("/incident sev 1")
        #expect(drill.incident.severity == .sev1)
        let refusal = drill.refusal("/incident sev 3")
        let refused = try #require(refusal)
        #expect(refused.description == "Lowering INC-2026-0001 from SEV1 to SEV3 needs a reason. Usage: /incident sev 3 <reason>")
        try drill.run("/incident sev 3 contained to one region")
        #expect(drill.incident.severity == .sev3)
        #expect(drill.refusal("/incident sev 3 again")?.problem == "INC-2026-0001 is already SEV3.")
    }

    @Test func onceAnICIsAssignedOnlyTheICResolvesOrLowers() throws {
        var drill = Drill()
        try drill.run("/incident declare sev1 Down")
        try drill.run("/incident role ic @alice")
        let refusal = drill.refusal("/incident resolve", as: "bob")
        let refused = try #require(refusal)
        #expect(refused.problem == "Only the Incident Commander (@alice) can resolve INC-2026-0001. To take over: /incident role ic @you")
        #expect(
            drill.refusal("/incident sev 2 better", as: "bob")?.problem.hasPrefix("Only the Incident Commander (@alice) can lower the severity of")
                == true
        )
        // Everything else stays open to every responder.
        try drill.run("/incident update Still looking", as: "bob")
        try drill.run("/incident status identified", as: "bob")
        try drill.run("/incident sev 2 better", as: "alice")
        try drill.run("/incident resolve", as: "alice")
        #expect(!drill.incident.isActive)
    }

    @Test func takingOverTheICRoleIsAllowedAndLogged() throws {
        var drill = Drill()
        try drill.run("/incident declare sev1 Down")
        try drill.run("/incident role ic @alice")
        let decision = try drill.run("/incident role ic @bob", as: "bob")
        #expect(drill.events(of: decision) == [.roleAssigned(role: .ic, user: UserRef("bob"), previous: UserRef("alice"))])
        #expect(drill.incident.roles[.ic] == UserRef("bob"))
        guard case .record(let records) = decision else { return }
        #expect(EventDescriber.describe(records[0]) == "@bob took over as Incident Commander from @alice")
        try drill.run("/incident resolve", as: "bob")
        #expect(
            drill.refusal("/incident role ic @bob")?.problem
                == "There is no active incident in this channel (INC-2026-0001 is resolved; reopen it with /incident reopen). Declare one with /incident declare <sev1-4> <title>."
        )
    }

    @Test func thePermissionTableIsConfiguration() throws {
        var tight = Drill()
        tight.engine = IncidentEngine(
            configuration: EngineConfiguration(permissions: PermissionTable(restrictions: [.postUpdate: [.ic, .comms], .resolve: [.ic]]))
        )
        try tight.run("/incident declare sev2 Down")
        try tight.run("/incident update before anyone has a role", as: "zed")
        try tight.run("/incident role ic @alice")
        try tight.run("/incident role comms @dana")
        #expect(
            tight.refusal("/incident update hi", as: "zed")?.problem
                == "Only the Incident Commander (@alice) or the Communications Lead (@dana) can post updates for INC-2026-0001. To take over: /incident role ic @you"
        )
        try tight.run("/incident update hi", as: "dana")

        var open = Drill()
        open.engine = IncidentEngine(configuration: EngineConfiguration(permissions: PermissionTable(restrictions: [:])))
        try open.run("/incident declare sev2 Down")
        try open.run("/incident role ic @alice")
        try open.run("/incident resolve", as: "anyone")
        #expect(!open.incident.isActive)
    }

    @Test func updatesScheduleTheNextOneFromTheSeverityCadenceOrNext() throws {
        var drill = Drill()
        try drill.run("/incident declare sev2 Down")
        try drill.run("/incident update Looking")
        #expect(drill.incident.lastUpdate?.nextUpdateAt == drill.now.addingTimeInterval(30 * 60))
        try drill.run("/incident update Found it next: 10m eta: 1h")
        #expect(drill.incident.lastUpdate?.nextUpdateAt == drill.now.addingTimeInterval(10 * 60))
        #expect(drill.incident.eta == drill.now.addingTimeInterval(3600))
        #expect(drill.incident.updateCount == 2)
        try drill.run("/incident sev 4 cosmetic only")
        try drill.run("/incident update Fine now")
        #expect(drill.incident.lastUpdate?.nextUpdateAt == nil, "SEV4 has no update cadence")
    }

    @Test func lifecycleTimestamps() throws {
        var drill = Drill()
        let declared = drill.now
        try drill.run("/incident declare sev2 Down")
        drill.advance(minutes: 4)
        try drill.run("/incident ack", as: "alice")
        #expect(drill.incident.acknowledgedAt == declared.addingTimeInterval(240) && drill.incident.acknowledgedBy == UserRef("alice"))
        #expect(drill.refusal("/incident ack")?.problem == "INC-2026-0001 was already acknowledged by @alice at 2026-11-18 11:10 UTC.")
        drill.advance(minutes: 20)
        try drill.run("/incident mitigated Rolled back")
        #expect(drill.incident.status == .monitoring && drill.incident.mitigatedAt == declared.addingTimeInterval(24 * 60))
        #expect(drill.refusal("/incident mitigated")?.problem.hasPrefix("INC-2026-0001 was already marked mitigated") == true)
        drill.advance(minutes: 36)
        try drill.run("/incident resolve root cause: bad deploy")
        let metrics = ResponseMetrics(incident: drill.incident)
        #expect(metrics.timeToAcknowledge == .minutes(4))
        #expect(metrics.timeToMitigate == .minutes(24))
        #expect(metrics.timeToResolve == .hours(1))
        #expect(drill.incident.rootCause == "bad deploy")
    }

    @Test func resolvingWithoutMitigationCountsResolutionAsMitigation() throws {
        var drill = Drill()
        try drill.run("/incident declare sev3 Down")
        drill.advance(minutes: 10)
        try drill.run("/incident resolve")
        #expect(ResponseMetrics(incident: drill.incident).timeToMitigate == .minutes(10))
    }

    @Test func actionItemsAreNumberedAndOutliveResolution() throws {
        var drill = Drill()
        try drill.run("/incident declare sev2 Down")
        try drill.run("/incident action add Add a test @bob due: 2026-12-15")
        try drill.run("/incident resolve")
        try drill.run("/incident action add Write the runbook @alice due: 2026-12-20")
        #expect(drill.incident.actionItems.map(\.number) == [1, 2])
        #expect(drill.incident.actionItems[0].due == CalendarDate(parsing: "2026-12-15"))
        try drill.run("/incident action done 1")
        #expect(drill.incident.actionItems[0].isDone && !drill.incident.actionItems[1].isDone)
        #expect(drill.refusal("/incident action done 1")?.problem == "Action item 1 of INC-2026-0001 is already done.")
        #expect(drill.refusal("/incident action done 9")?.problem == "INC-2026-0001 has no action item 9; see them with /incident actions.")
        #expect(
            drill.refusal("/incident action add Old @bob due: 2020-01-01")?.problem
                == "The due date 2020-01-01 is in the past; give today or a later day."
        )
    }

    @Test func actionItemsCanChangeOwner() throws {
        var drill = Drill()
        try drill.run("/incident declare sev2 Down")
        try drill.run("/incident action add Add a test @bob due: 2026-12-15")
        try drill.run("/incident action reassign 1 @dana")
        #expect(drill.incident.actionItems[0].owner == UserRef("dana"))
        #expect(drill.refusal("/incident action reassign 1 @dana")?.problem == "@dana already owns action item 1 of INC-2026-0001.")
        #expect(drill.refusal("/incident action reassign 4 @bob")?.problem == "INC-2026-0001 has no action item 4; see them with /incident actions.")
        try drill.run("/incident action done 1")
        #expect(drill.refusal("/incident action reassign 1 @bob")?.problem == "Action item 1 of INC-2026-0001 is already done.")
    }

    @Test func lessonsWhysAndLinksAreKeptInOrderAfterResolution() throws {
        var drill = Drill()
        try drill.run("/incident declare sev2 Down")
        try drill.run("/incident resolve")
        try drill.run("/incident learn good The page reached the on-call at once")
        try drill.run("/incident learn improve Nobody knew the rollback command", as: "dana")
        try drill.run("/incident why The release broke checkout")
        try drill.run("/incident why The config change was not covered by tests")
        try drill.run("/incident link INC-2026-0007 same cache bug")
        #expect(drill.incident.learnings.map(\.kind) == [.wentWell, .toImprove])
        #expect(drill.incident.learnings[1].by == UserRef("dana"))
        #expect(drill.incident.whys == ["The release broke checkout", "The config change was not covered by tests"])
        #expect(drill.incident.links == [IncidentLink(incident: IncidentID(year: 2026, sequence: 7), note: "same cache bug")])
        #expect(drill.refusal("/incident link INC-2026-0007")?.problem == "INC-2026-0001 is already linked to INC-2026-0007.")
        #expect(drill.refusal("/incident link INC-2026-0001")?.problem == "An incident cannot be linked to itself.")
    }

    @Test func privacyIsToggledOnce() throws {
        var drill = Drill()
        try drill.run("/incident declare sev1 Down")
        try drill.run("/incident private on")
        #expect(drill.incident.isPrivate)
        #expect(drill.refusal("/incident private")?.problem == "INC-2026-0001 is already private.")
        try drill.run("/incident private off")
        #expect(!drill.incident.isPrivate)
    }

    @Test func readOnlyViewsRecordNothing() throws {
        var drill = Drill()
        #expect(
            drill.refusal("/incident timeline")?.problem
                == "There is no incident in this channel yet. Declare one with /incident declare <sev1-4> <title>."
        )
        try drill.run("/incident declare sev2 Down")
        let id = drill.incident.id
        #expect(try drill.run("/incident timeline") == .view(.timeline(id)))
        #expect(try drill.run("/incident summary") == .view(.summary(id)))
        #expect(try drill.run("/incident actions") == .view(.actions(id)))
        #expect(try drill.run("/incident help") == .view(.help(verb: nil)))
        #expect(try drill.run("/incident oncall") == .view(.oncall))
        #expect(
            drill.refusal("/incident postmortem")?.problem
                == "INC-2026-0001 is still active; the postmortem draft is ready once it is resolved with /incident resolve."
        )
        try drill.run("/incident resolve")
        guard case .recordThenShow(let drafted, .postmortem(id)) = try drill.run("/incident postmortem") else {
            Issue.record("the first draft is recorded, for the postmortem reminder")
            return
        }
        #expect(drafted.map(\.event) == [.postmortemDrafted])
        #expect(try drill.run("/incident postmortem") == .view(.postmortem(id)), "later drafts record nothing")
        #expect(drill.state.lastSequence == 3)
    }

    @Test func schedulerAndOnCallVerbsRecordTheirEvents() throws {
        var drill = Drill()
        try drill.run("/incident declare sev1 Down")
        #expect(drill.events(of: try drill.run("/incident snooze 30m")) == [.snoozed(until: drill.now.addingTimeInterval(1800))])
        #expect(drill.incident.snoozedUntil == drill.now.addingTimeInterval(1800))
        try drill.run("/incident remind 10m")
        #expect(drill.incident.reminders == .every(interval: .minutes(10)))
        try drill.run("/incident remind off")
        #expect(drill.incident.reminders == .off)
        #expect(drill.refusal("/incident remind off")?.problem == "Reminders of INC-2026-0001 are already set that way.")
        #expect(drill.events(of: try drill.run("/incident escalate 2")) == [.escalated(level: 2, user: nil)])
        #expect(
            drill.events(of: try drill.run("/incident handover @dave watch the queue")) == [
                .handoverRecorded(to: UserRef("dave"), notes: "watch the queue")
            ]
        )
        #expect(drill.refusal("/incident handover @carol me again")?.problem == "Hand over to someone else than yourself.")
    }

    @Test func statusRules() throws {
        var drill = Drill()
        try drill.run("/incident declare sev2 Down")
        #expect(drill.refusal("/incident status investigating")?.problem == "INC-2026-0001 is already Investigating.")
        try drill.run("/incident status identified")
        #expect(drill.incident.status == .identified)
        #expect(drill.incident.status.stakeholderPhrase == "In Progress - Identified")
    }

    @Test func stateIsTheFoldOfTheEvents() throws {
        var drill = Drill()
        var all: [EventRecord] = []
        for line in [
            "/incident declare sev2 Down impact: all", "/incident role ic @alice", "/incident ack", "/incident update x",
            "/incident action add y @bob due: 2026-12-01", "/incident action reassign 1 @dana",
            "/incident learn good fast page", "/incident why a flag was on", "/incident link INC-2026-0042", "/incident private",
            "/incident mitigated", "/incident note z",
        ] {
            if case .record(let records) = try drill.run(line) { all += records }
        }
        #expect(all.map(\.sequence) == Array(1...all.count))
        #expect(ChannelState(replaying: all) == drill.state)
    }
}
