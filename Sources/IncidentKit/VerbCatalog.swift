/// One verb of the command language, with its usage and help text.
package struct VerbSpec: Sendable {
    package let name: String
    package let aliases: [String]
    package let usage: String
    package let summary: String
    package let example: String
}

/// The command language's verbs: the source for help, usage lines, "did you mean" and platform manifests.
package enum VerbCatalog {
    package static let verbs: [VerbSpec] = [
        VerbSpec(
            name: "declare",
            aliases: ["start", "open"],
            usage: "/incident declare <sev1-4> <title> [impact: <text>] [systems: <a, b>] [from: <report number>]",
            summary: "Declare an incident in this channel and post the Initial Alert (from: a customer report, whose text is the default title).",
            example: "/incident declare sev2 Checkout returns 500s impact: 30% of card payments fail"
        ),
        VerbSpec(
            name: "ack",
            aliases: ["acknowledge"],
            usage: "/incident ack",
            summary: "Acknowledge the incident: someone is on it.",
            example: "/incident ack"
        ),
        VerbSpec(
            name: "sev",
            aliases: ["severity"],
            usage: "/incident sev <1-4> [reason]",
            summary: "Change the severity; lowering it needs a reason.",
            example: "/incident sev 1 all regions affected"
        ),
        VerbSpec(
            name: "role",
            aliases: ["assign"],
            usage: "/incident role <ic|lead|scribe|comms> @user",
            summary: "Give a role to someone; anyone may take the IC role over (it is logged).",
            example: "/incident role ic @alice"
        ),
        VerbSpec(
            name: "status",
            aliases: [],
            usage: "/incident status <investigating|identified|mitigating|monitoring>",
            summary: "Set where the response stands.",
            example: "/incident status identified"
        ),
        VerbSpec(
            name: "update",
            aliases: [],
            usage: "/incident update <text> [next: 15m] [eta: 1h]",
            summary: "Post a Status Update to stakeholders; next: sets when the following one is due.",
            example: "/incident update Rolled back the release, errors falling next: 30m eta: 45m"
        ),
        VerbSpec(
            name: "note",
            aliases: [],
            usage: "/incident note <text>",
            summary: "Add a note to the timeline (not sent to stakeholders).",
            example: "/incident note Error rate back under 1%"
        ),
        VerbSpec(
            name: "impact",
            aliases: [],
            usage: "/incident impact [customers:|revenue:|data:|internal:] <text>",
            summary: "Set the customer impact, or one of the postmortem's impact fields (not sent to stakeholders).",
            example: "/incident impact EU customers cannot log in"
        ),
        VerbSpec(
            name: "systems",
            aliases: [],
            usage: "/incident systems <system>[, <system>…]",
            summary: "Set the affected systems.",
            example: "/incident systems checkout, payments-api"
        ),
        VerbSpec(
            name: "mitigated",
            aliases: ["mitigate"],
            usage: "/incident mitigated [text]",
            summary: "Record that the impact has stopped; the status becomes Monitoring.",
            example: "/incident mitigated Rollback complete"
        ),
        VerbSpec(
            name: "resolve",
            aliases: ["resolved", "close"],
            usage: "/incident resolve [root cause: <text>]",
            summary: "Resolve the incident and post the Resolution.",
            example: "/incident resolve root cause: an untested config change"
        ),
        VerbSpec(
            name: "reopen",
            aliases: [],
            usage: "/incident reopen [reason]",
            summary: "Reopen the last resolved incident of this channel.",
            example: "/incident reopen errors are back"
        ),
        VerbSpec(
            name: "action",
            aliases: [],
            usage: "/incident action add <text> @owner due: YYYY-MM-DD | /incident action done <n> | /incident action reassign <n> @owner",
            summary: "Add a follow-up action item (owner and due date required), mark one done, or give it a new owner.",
            example: "/incident action add Add an integration test @bob due: 2026-12-15"
        ),
        VerbSpec(
            name: "actions",
            aliases: [],
            usage: "/incident actions",
            summary: "List the action items (only you see it).",
            example: "/incident actions"
        ),
        VerbSpec(
            name: "timeline",
            aliases: [],
            usage: "/incident timeline",
            summary: "Show the incident's timeline (only you see it).",
            example: "/incident timeline"
        ),
        VerbSpec(
            name: "summary",
            aliases: [],
            usage: "/incident summary",
            summary: "One-screen view for someone joining late (only you see it).",
            example: "/incident summary"
        ),
        VerbSpec(
            name: "postmortem",
            aliases: ["pm"],
            usage: "/incident postmortem [author @user]",
            summary: "Draft a blameless postmortem of the resolved incident (only you see it), or name its author.",
            example: "/incident postmortem"
        ),
        VerbSpec(
            name: "learn",
            aliases: ["lesson"],
            usage: "/incident learn good|improve <text>",
            summary: "Record what went well or what could be improved, for the postmortem.",
            example: "/incident learn improve The rollback took 20 minutes to find"
        ),
        VerbSpec(
            name: "why",
            aliases: [],
            usage: "/incident why <text>",
            summary: "Add the next answer of the 5 Whys root-cause analysis, in order.",
            example: "/incident why The config change skipped the integration tests"
        ),
        VerbSpec(
            name: "link",
            aliases: ["related"],
            usage: "/incident link <INC-YYYY-NNNN> [note]",
            summary: "Relate another incident that shares this one's root cause.",
            example: "/incident link INC-2026-0007 same cache bug"
        ),
        VerbSpec(
            name: "private",
            aliases: [],
            usage: "/incident private on|off",
            summary: "Keep the incident off audience channels and the status page (on), or show it again (off).",
            example: "/incident private on"
        ),
        VerbSpec(
            name: "escalate",
            aliases: [],
            usage: "/incident escalate [level 1-4 | @user]",
            summary: "Escalate to the next on-call level, a given level, or a person.",
            example: "/incident escalate 2"
        ),
        VerbSpec(
            name: "oncall",
            aliases: [],
            usage: "/incident oncall",
            summary: "Show who is on call now and next (only you see it).",
            example: "/incident oncall"
        ),
        VerbSpec(
            name: "handover",
            aliases: [],
            usage: "/incident handover @next <notes> | /incident handover ack",
            summary: "Hand the on-call shift to the next person with notes; they acknowledge with 'handover ack'.",
            example: "/incident handover @carol DB failover still being watched"
        ),
        VerbSpec(
            name: "report",
            aliases: [],
            usage: "/incident report <what is wrong>",
            summary: "Report a problem (anyone): a triage candidate the on-call declares from or dismisses.",
            example: "/incident report Customers say the EU checkout page times out"
        ),
        VerbSpec(
            name: "reports",
            aliases: [],
            usage: "/incident reports",
            summary: "List the open reports of this channel (only you see it).",
            example: "/incident reports"
        ),
        VerbSpec(
            name: "dismiss",
            aliases: [],
            usage: "/incident dismiss <report number> [reason]",
            summary: "Dismiss a report that is not an incident.",
            example: "/incident dismiss 2 a single customer's network"
        ),
        VerbSpec(
            name: "snooze",
            aliases: [],
            usage: "/incident snooze <duration, e.g. 30m>",
            summary: "Skip update reminders for a while (logged on the timeline).",
            example: "/incident snooze 30m"
        ),
        VerbSpec(
            name: "remind",
            aliases: ["reminders"],
            usage: "/incident remind off|<interval, e.g. 10m>",
            summary: "Turn update reminders off, or set their interval, for this incident.",
            example: "/incident remind 10m"
        ),
        VerbSpec(
            name: "help",
            aliases: ["?"],
            usage: "/incident help [verb]",
            summary: "List the verbs, or explain one.",
            example: "/incident help update"
        ),
    ]

    /// The spec for a verb or one of its aliases.
    package static func spec(named name: String) -> VerbSpec? {
        let lower = name.lowercased()
        return verbs.first { $0.name == lower || $0.aliases.contains(lower) }
    }

    static func usage(_ name: String) -> String { spec(named: name)!.usage }

    /// The closest verb to a mistyped one, if any is close enough to be a likely typo.
    package static func suggestion(for typed: String) -> String? {
        let lower = typed.lowercased()
        let candidates = verbs.flatMap { spec in ([spec.name] + spec.aliases).map { ($0, spec.name) } }
        let scored = candidates.map { (EditDistance.between(lower, $0.0), $0.1) }.min { $0.0 < $1.0 }
        guard let (distance, name) = scored, distance <= max(1, lower.count / 3) else { return nil }
        return name
    }
}

/// Levenshtein distance, for "did you mean".
enum EditDistance {
    static func between(_ a: String, _ b: String) -> Int {
        let a = Array(a)
        let b = Array(b)
        if a.isEmpty || b.isEmpty { return max(a.count, b.count) }
        var previous = Array(0...b.count)
        for i in 1...a.count {
            var current = [i] + Array(repeating: 0, count: b.count)
            for j in 1...b.count {
                current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1))
            }
            previous = current
        }
        return previous[b.count]
    }
}
