/// The short checklist a role's new holder receives privately when first assigned it in an incident: what the role
/// is for, so a responder pulled in at 3 a.m. knows their job without looking it up. Configurable per role
/// (`briefings:`); an empty checklist sends nothing for that role.
package struct RoleBriefings: Sendable, Equatable {
    package var checklists: [Role: [String]]

    package init(_ checklists: [Role: [String]]) { self.checklists = checklists }

    /// No briefings at all.
    package static let off = RoleBriefings([:])

    /// The roles as the incident-response guide describes them.
    package static let standard = RoleBriefings([
        .ic: [
            "Coordinate: say who does what, and keep everyone on one plan.",
            "Communicate: keep stakeholders informed on the severity's cadence (/incident update <what changed>); Firebell reminds you.",
            "Decide: severity, escalation, when to roll back; ask for opinions, then choose.",
            "Document: make sure decisions reach the timeline (/incident note …), or hand that to a Scribe.",
            "Do not fix things yourself: name a Tech Lead (/incident role lead @someone) and stay the coordinator.",
        ],
        .lead: [
            "Lead the technical investigation and the fix; you decide how, the IC decides what and when.",
            "Tell the IC what you find and what you try, with times, so updates and the timeline stay true.",
            "Ask for the people you need; the IC brings them in (/incident escalate @someone).",
        ],
        .scribe: [
            "Keep the timeline: record findings, decisions and actions as they happen (/incident note …).",
            "Capture who did what and when, and the follow-ups (/incident action add …) for the postmortem.",
            "You do not need to understand every detail; write what was said and decided.",
        ],
        .comms: [
            "Own the stakeholder updates: draft each one with the IC and post it on time (/incident update …).",
            "Keep internal noise out of them: impact, what is being done, the next update time.",
            "Answer questions from executives, support and customers so responders are not interrupted.",
        ],
    ])

    /// The checklist for `role`; empty when the role has none.
    package func checklist(for role: Role) -> [String] { checklists[role] ?? [] }
}
