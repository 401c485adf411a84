import Testing

@testable import IncidentKit

@Suite("Command parser")
struct CommandParserTests {
    func parse(_ line: String) throws -> Command { try CommandParser.parse(line: line) }

    func error(_ line: String) -> CommandError? {
        do {
            _ = try CommandParser.parse(line: line)
            return nil
        } catch { return error }
    }

    @Test func declareWithImpactAndSystems() throws {
        #expect(
            try parse("/incident declare sev2 Checkout returns 500s impact: 30% of card payments fail systems: checkout, payments-api")
                == .declare(
                    severity: .sev2,
                    title: "Checkout returns 500s",
                    impact: "30% of card payments fail",
                    systems: ["checkout", "payments-api"]
                )
        )
    }

    @Test func declareAcceptsSeveritySpellingsAndQuotedTitles() throws {
        #expect(
            try parse("/inc declare SEV1 \"Login: down\" impact: \"all users\"")
                == .declare(severity: .sev1, title: "Login: down", impact: "all users", systems: [])
        )
        #expect(try parse("/incident declare sev 3 Slow search") == .declare(severity: .sev3, title: "Slow search", impact: nil, systems: []))
        #expect(
            try parse("/incident declare p4 “Typo on pricing page”")
                == .declare(severity: .sev4, title: "Typo on pricing page", impact: nil, systems: [])
        )
    }

    @Test func quotedTextHidesClauseKeys() throws {
        #expect(
            try parse("/incident declare sev2 \"impact: of the new CDN\"")
                == .declare(severity: .sev2, title: "impact: of the new CDN", impact: nil, systems: [])
        )
    }

    @Test func unicodeTextIsKeptExactly() throws {
        #expect(try parse("/incident note Zahlungen schlagen fehl — 支払い失敗 🔥") == .addNote("Zahlungen schlagen fehl — 支払い失敗 🔥"))
        #expect(try parse("/incident role ic @zoë") == .assignRole(.ic, UserRef("zoë")))
    }

    @Test func updateClausesInAnyOrderAndAttached() throws {
        #expect(
            try parse("/incident update Rolled back release 2026.11.3, error rate falling next: 30m eta: 45m")
                == .postUpdate(text: "Rolled back release 2026.11.3, error rate falling", next: .minutes(30), eta: .minutes(45))
        )
        #expect(
            try parse("/incident update Still bad eta:1h30m next:15m")
                == .postUpdate(text: "Still bad", next: .minutes(15), eta: TimeSpan(seconds: 5400))
        )
        #expect(try parse("/incident update No change") == .postUpdate(text: "No change", next: nil, eta: nil))
    }

    @Test func resolveRootCauseSpellings() throws {
        let expected = Command.resolve(rootCause: "an untested config change")
        #expect(try parse("/incident resolve root cause: an untested config change") == expected)
        #expect(try parse("/incident resolve Root Cause: an untested config change") == expected)
        #expect(try parse("/incident resolve rootcause: an untested config change") == expected)
        #expect(try parse("/incident resolve an untested config change") == expected)
        #expect(try parse("/incident resolve") == .resolve(rootCause: nil))
    }

    @Test func everyOtherVerb() throws {
        #expect(try parse("/incident ack") == .acknowledge)
        #expect(try parse("/incident sev 1 all regions down") == .setSeverity(.sev1, reason: "all regions down"))
        #expect(try parse("/incident sev 3 reason: contained to EU") == .setSeverity(.sev3, reason: "contained to EU"))
        #expect(try parse("/incident sev 2") == .setSeverity(.sev2, reason: nil))
        #expect(try parse("/incident role comms <@U024BE7LH|dana>") == .assignRole(.comms, UserRef("U024BE7LH")))
        #expect(try parse("/incident status identified") == .setStatus(.identified))
        #expect(try parse("/incident impact EU logins fail") == .setImpact("EU logins fail"))
        #expect(try parse("/incident impact customers: 30% of EU card payments") == .setImpactDetail(.customers, "30% of EU card payments"))
        #expect(try parse("/incident impact Revenue: none lost") == .setImpactDetail(.revenue, "none lost"))
        #expect(try parse("/incident impact data: 3 rows rewritten") == .setImpactDetail(.data, "3 rows rewritten"))
        #expect(try parse("/incident impact internal: L2 on it all night") == .setImpactDetail(.internal, "L2 on it all night"))
        #expect(try parse("/incident impact ops: slow") == .setImpact("ops: slow"), "an unknown field is plain impact text")
        #expect(try parse("/incident postmortem") == .postmortem)
        #expect(try parse("/incident pm author @dana") == .setPostmortemAuthor(UserRef("dana")))
        #expect(try parse("/incident systems api, db") == .setSystems(["api", "db"]))
        #expect(try parse("/incident mitigated") == .mitigate(nil))
        #expect(try parse("/incident mitigated Rollback complete") == .mitigate("Rollback complete"))
        #expect(try parse("/incident reopen errors are back") == .reopen(reason: "errors are back"))
        #expect(
            try parse("/incident action add Add integration test for the payment flow @bob due: 2026-12-15")
                == .addAction(text: "Add integration test for the payment flow", owner: UserRef("bob"), due: CalendarDate(parsing: "2026-12-15")!)
        )
        #expect(
            try parse("/incident action add \"Write runbook\" @bob due: 2026-12-01")
                == .addAction(text: "Write runbook", owner: UserRef("bob"), due: CalendarDate(parsing: "2026-12-01")!)
        )
        #expect(try parse("/incident action done 2") == .completeAction(2))
        #expect(try parse("/incident action reassign #2 @dana") == .reassignAction(2, to: UserRef("dana")))
        #expect(
            try parse("/incident learn good Paging reached the on-call in a minute") == .learn(.wentWell, "Paging reached the on-call in a minute")
        )
        #expect(try parse("/incident learn improve \"Rollback took 20 min\"") == .learn(.toImprove, "Rollback took 20 min"))
        #expect(try parse("/incident why The config skipped tests") == .addWhy("The config skipped tests"))
        #expect(try parse("/incident link INC-2026-0007 same cache bug") == .link(IncidentID(year: 2026, sequence: 7), note: "same cache bug"))
        #expect(try parse("/incident link inc-2026-0007") == .link(IncidentID(year: 2026, sequence: 7), note: nil))
        #expect(try parse("/incident private") == .setPrivate(true))
        #expect(try parse("/incident private off") == .setPrivate(false))
        #expect(try parse("/incident actions") == .listActions)
        #expect(try parse("/incident timeline") == .timeline)
        #expect(try parse("/incident summary") == .summary)
        #expect(try parse("/incident postmortem") == .postmortem)
        #expect(try parse("/incident escalate") == .escalate(level: nil, user: nil))
        #expect(try parse("/incident escalate L3") == .escalate(level: 3, user: nil))
        #expect(try parse("/incident escalate @erin") == .escalate(level: nil, user: UserRef("erin")))
        #expect(try parse("/incident oncall") == .oncall)
        #expect(
            try parse("/incident handover @carol DB failover still being watched")
                == .handover(to: UserRef("carol"), notes: "DB failover still being watched")
        )
        #expect(try parse("/incident snooze 30m") == .snooze(.minutes(30)))
        #expect(try parse("/incident remind off") == .remind(.off))
        #expect(try parse("/incident remind on") == .remind(.cadence))
        #expect(try parse("/incident remind 10m") == .remind(.every(interval: .minutes(10))))
        #expect(try parse("/incident help update") == .help(verb: "update"))
        #expect(try parse("/incident") == .help(verb: nil))
        #expect(try parse("/inc acknowledge") == .acknowledge)
    }

    @Test func everyVerbHasHelpAndItsExampleParses() throws {
        for spec in VerbCatalog.verbs {
            #expect(try parse("/incident help \(spec.name)") == .help(verb: spec.name))
            #expect(spec.usage.hasPrefix("/incident \(spec.name)"))
            _ = try parse(spec.example)
        }
    }

    @Test func unknownVerbSuggestsTheClosest() throws {
        let refused = try #require(error("/incident delcare sev1 Down"))
        #expect(refused.description == "Unknown command 'delcare'. Did you mean 'declare'? Usage: \(VerbCatalog.spec(named: "declare")!.usage)")
        #expect(error("/incident resovle")?.problem.contains("Did you mean 'resolve'?") == true)
        #expect(error("/incident xyzzy")?.problem == "Unknown command 'xyzzy'. See the list of commands with /incident help.")
    }

    @Test(arguments: [
        ("/incident declare", "Give a severity and a title."),
        ("/incident declare sev1", "Give the incident a title."),
        ("/incident declare critical Down", "'critical' is not a severity; start with sev1 (critical), sev2, sev3 or sev4 (low)."),
        ("/incident declare sev5 Down", "'sev5' is not a severity; start with sev1 (critical), sev2, sev3 or sev4 (low)."),
        ("/incident declare sev1 Down impact:", "'impact:' needs a description after it."),
        ("/incident declare sev1 Down impact: a impact: b", "'impact:' is given twice."),
        ("/incident update next: 15m", "Write the update text."),
        ("/incident update Going well next: soon", "'next:' 'soon' is not a duration; write it like 30s, 15m, 1h or 1h30m."),
        ("/incident update Going well next: 48h", "'next:' can be at most 1d."),
        ("/incident role king @alice", "'king' is not a role; use ic, lead, scribe or comms."),
        ("/incident role ic alice", "'alice' is not a person; write @user."),
        ("/incident role ic @channel", "'@channel' is everyone, not a person; name one person with @user."),
        ("/incident role ic <!here>", "'<!here>' is everyone, not a person; name one person with @user."),
        ("/incident status resolved", "To resolve, use /incident resolve."),
        ("/incident status panicking", "'panicking' is not a status."),
        ("/incident action add Write a test", "End the action item with its owner, as @user."),
        ("/incident action add Write a test @bob due: 2026-02-30", "'2026-02-30' is not a date; write due: YYYY-MM-DD."),
        ("/incident action done two", "'two' is not an action item number; see them with /incident actions."),
        ("/incident action", "Say 'action add', 'action done' or 'action reassign'."),
        ("/incident action add Write a test @bob", "Give the action item a due date with due: YYYY-MM-DD."),
        ("/incident action reassign 1", "Give the number of the action item and its new owner."),
        ("/incident action reassign 1 @here", "'@here' is everyone, not a person; name one person with @user."),
        ("/incident learn Something", "Say 'good' (what went well) or 'improve' (what could be improved) first."),
        ("/incident learn good", "Write the lesson."),
        ("/incident why", "Write the answer to this why."),
        ("/incident impact revenue:", "Write the revenue impact after 'revenue:'."),
        ("/incident impact data:lost", "Put a space after 'data:' and then the data impact."),
        ("/incident postmortem now", "'now' is not a postmortem option; say 'author @user' or nothing."),
        ("/incident postmortem author", "Name the author with @user."),
        ("/incident postmortem author @here", "'@here' is everyone, not a person; name one person with @user."),
        ("/incident postmortem author @a @b", "Name one author."),
        ("/incident link 42", "'42' is not an incident id such as INC-2026-0007."),
        ("/incident private maybe", "Say 'on' (private) or 'off' (public)."),
        ("/incident ack now please", "'ack' takes no arguments."),
        ("/incident snooze", "Give how long to snooze as a duration such as 30m."),
        ("/incident remind sometimes", "The reminder interval 'sometimes' is not a duration; write it like 30s, 15m, 1h or 1h30m."),
        ("/incident note \"unterminated", "There is an opening quote (\") without a closing one."),
        ("declare sev1 Down", "Commands start with /incident (or /inc)."),
        ("/incidents help", "Commands start with /incident (or /inc)."),
    ])
    func badCommandsSayWhatIsWrong(line: String, problem: String) throws {
        let refused = try #require(error(line))
        #expect(refused.problem == problem)
        #expect(!refused.description.contains("\n"), "an error is one line")
    }

    @Test func usageErrorsCarryTheExactUsage() throws {
        #expect(error("/incident role ic")?.usage == "/incident role <ic|lead|scribe|comms> @user")
        #expect(error("/incident update")?.description == "Write the update text. Usage: /incident update <text> [next: 15m] [eta: 1h]")
    }

    @Test func hostileInputIsRefusedNotCrashed() throws {
        #expect(error("/incident note bell\u{07}")?.problem == "The command contains a control character (U+0007); retype it as plain text.")
        #expect(error("/incident note \u{0}")?.problem.contains("control character") == true)
        let huge = "/incident note " + String(repeating: "a", count: 9000)
        #expect(error(huge)?.problem == "The command is 9006 characters long; the limit is 8000.")
        let longTitle = "/incident declare sev1 " + String(repeating: "x", count: 201)
        #expect(error(longTitle)?.problem == "The title is 201 characters long; the limit is 200.")
        for junk in ["\"", "“", "/incident \"\"", "/incident \"declare\" sev1 x", "/incident ::::", "/incident @@@", "/incident 𝕕𝕖𝕔𝕝𝕒𝕣𝕖"] {
            _ = error(junk)
        }
        #expect(error("/incident \"declare\" sev1 x") != nil, "a quoted verb is not a verb")
    }
}
