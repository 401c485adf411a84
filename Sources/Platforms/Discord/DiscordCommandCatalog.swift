import Foundation
import IncidentKit

/// `/incident` as a Discord application command: one subcommand (or group) per verb of the command language,
/// options mapped back onto the typed grammar, so every platform runs the same parser and the same `Command`s.
package enum DiscordCommandCatalog {
    package static let commandName = "incident"

    /// An option of a subcommand and how its value goes back into the command text.
    struct Option {
        enum Kind: Int {
            case string = 3
            case integer = 4
            case boolean = 5
            case user = 6
        }
        var name: String
        var kind: Kind
        var description: String
        var required = false
        var choices: [String] = []
        /// Written as `<clause>: <value>` after the positional values (`impact: …`, `due: …`).
        var clause: String?
    }

    /// A subcommand: its name, the words it stands for, and its options in order.
    struct Subcommand {
        var name: String
        var words: String
        var description: String
        var options: [Option] = []
    }

    static func text(_ name: String, _ description: String, required: Bool = true, clause: String? = nil) -> Option {
        Option(name: name, kind: .string, description: description, required: required, clause: clause)
    }

    static func user(_ name: String, _ description: String, required: Bool = true) -> Option {
        Option(name: name, kind: .user, description: description, required: required)
    }

    static func choice(_ name: String, _ description: String, _ choices: [String], required: Bool = true) -> Option {
        Option(name: name, kind: .string, description: description, required: required, choices: choices)
    }

    static func number(_ name: String, _ description: String, required: Bool = true, clause: String? = nil) -> Option {
        Option(name: name, kind: .integer, description: description, required: required, clause: clause)
    }

    /// The read-only views, grouped as `/incident show <view>`.
    package static let views = ["actions", "timeline", "summary", "postmortem", "oncall", "reports"]

    /// Subcommands by verb; a verb with several (`action`) becomes a group.
    static let subcommands: [String: [Subcommand]] = {
        func one(_ verb: String, _ options: [Option] = []) -> [Subcommand] {
            [Subcommand(name: verb, words: verb, description: VerbCatalog.spec(named: verb)!.summary, options: options)]
        }
        return [
            "declare": one(
                "declare",
                [
                    choice("severity", "sev1 (critical) … sev4 (low)", ["sev1", "sev2", "sev3", "sev4"]),
                    text("title", "What is broken"), text("impact", "Customer impact", required: false, clause: "impact"),
                    text("systems", "Affected systems, comma-separated", required: false, clause: "systems"),
                    number("from", "Declare from this report number", required: false, clause: "from"),
                ]
            ),
            "ack": one("ack"),
            "sev": one("sev", [choice("level", "New severity", ["1", "2", "3", "4"]), text("reason", "Why (needed to lower it)", required: false)]),
            "role": one("role", [choice("role", "The role", ["ic", "lead", "scribe", "comms"]), user("user", "Who takes it")]),
            "status": one("status", [choice("status", "Where the response stands", ["investigating", "identified", "mitigating", "monitoring"])]),
            "update": one(
                "update",
                [
                    text("text", "What changed"), text("next", "Next update in, e.g. 15m", required: false, clause: "next"),
                    text("eta", "Expected resolution in, e.g. 1h", required: false, clause: "eta"),
                ]
            ),
            "note": one("note", [text("text", "The note (not sent to stakeholders)")]),
            "impact": one("impact", [text("text", "The customer impact")]),
            "systems": one("systems", [text("systems", "Affected systems, comma-separated")]),
            "mitigated": one("mitigated", [text("text", "What stopped the impact", required: false)]),
            "resolve": one("resolve", [text("root_cause", "The root cause", required: false, clause: "root cause")]),
            "reopen": one("reopen", [text("reason", "Why", required: false)]),
            "action": [
                Subcommand(
                    name: "add",
                    words: "action add",
                    description: "Add a follow-up action item",
                    options: [text("text", "What to do"), user("owner", "Who owns it"), text("due", "Due date, YYYY-MM-DD", clause: "due")]
                ),
                Subcommand(name: "done", words: "action done", description: "Mark an action item done", options: [number("number", "Item number")]),
                Subcommand(
                    name: "reassign",
                    words: "action reassign",
                    description: "Give an action item a new owner",
                    options: [number("number", "Item number"), user("owner", "The new owner")]
                ),
            ],
            // Discord allows 25 subcommands per command: the read-only views share one group.
            "show": views.map { Subcommand(name: $0, words: $0, description: VerbCatalog.spec(named: $0)!.summary) },
            "learn": one("learn", [choice("kind", "What went well, or what to improve", ["good", "improve"]), text("text", "The lesson")]),
            "why": one("why", [text("text", "The next answer of the 5 Whys")]),
            "link": one("link", [text("incident", "The related incident, INC-YYYY-NNNN"), text("note", "How they relate", required: false)]),
            "private": one("private", [choice("setting", "on: private, off: public", ["on", "off"], required: false)]),
            "escalate": one(
                "escalate",
                [
                    choice("level", "The level to page", ["1", "2", "3", "4"], required: false),
                    user("user", "A person to page", required: false),
                ]
            ),
            "handover": [
                Subcommand(
                    name: "to",
                    words: "handover",
                    description: "Hand the on-call shift over with notes",
                    options: [user("user", "The next on-call"), text("notes", "Current issues, context, items to watch")]
                ),
                Subcommand(name: "ack", words: "handover ack", description: "Acknowledge the handover to you"),
            ],
            "report": one("report", [text("text", "What is wrong")]),
            "dismiss": one("dismiss", [number("number", "Report number"), text("reason", "Why it is not an incident", required: false)]),
            "snooze": one("snooze", [text("duration", "How long, e.g. 30m")]),
            "remind": one("remind", [text("setting", "off, on, or an interval such as 10m")]),
            "help": one("help", [text("verb", "A verb to explain", required: false)]),
        ]
    }()

    /// The registration payload (`PUT /applications/{id}/commands` takes it in an array), in verb order.
    package static var registration: DiscordCommandDefinition {
        var options: [DiscordCommandDefinition] = VerbCatalog.verbs.compactMap { spec in
            guard let subs = subcommands[spec.name] else { return nil }
            if subs.count == 1, subs[0].name == spec.name { return definition(subs[0]) }
            return DiscordCommandDefinition(name: spec.name, type: 2, description: clipped(spec.summary), options: subs.map(definition))
        }
        options.append(
            DiscordCommandDefinition(
                name: "show",
                type: 2,
                description: "Read-only views (only you see them)",
                options: subcommands["show"]!.map(definition)
            )
        )
        return DiscordCommandDefinition(name: commandName, type: 1, description: "Run an incident: declare, update, resolve, learn", options: options)
    }

    /// Every command Firebell registers: `/incident`, and the message context-menu commands (type 3, which Discord
    /// wants without a description).
    package static var registrations: [DiscordCommandDefinition] {
        [registration] + DiscordMessageCommand.allCases.map { DiscordCommandDefinition(name: $0.rawValue, type: 3, description: "") }
    }

    /// The registration payload as the JSON in `commands/discord-commands.json`.
    package static var registrationJSON: String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return String(decoding: (try? encoder.encode(registrations)) ?? Data(), as: UTF8.self) + "\n"
    }

    /// The command text for an interaction's options, or nil for a subcommand Firebell does not have.
    static func arguments(from options: [DiscordInteraction.Option]) -> String? {
        guard let first = options.first else { return "help" }
        let name = first.name
        var chosen = subcommands[name]?.first { $0.name == name }
        var values = first.options ?? []
        if first.type == 2 {
            guard let inner = values.first else { return nil }
            chosen = subcommands[name]?.first { $0.name == inner.name }
            values = inner.options ?? []
        }
        guard let subcommand = chosen else { return nil }
        var positional: [String] = [subcommand.words]
        var clauses: [String] = []
        for option in subcommand.options {
            guard let raw = values.first(where: { $0.name == option.name })?.value else { continue }
            let value: String
            switch option.kind {
            case .user: value = "<@\(raw)>"
            default: value = "\(raw)"
            }
            if let clause = option.clause { clauses.append("\(clause): \(value)") } else { positional.append(value) }
        }
        return (positional + clauses).joined(separator: " ")
    }

    private static func definition(_ subcommand: Subcommand) -> DiscordCommandDefinition {
        // Discord wants required options before optional ones.
        let ordered = subcommand.options.filter(\.required) + subcommand.options.filter { !$0.required }
        return DiscordCommandDefinition(
            name: subcommand.name,
            type: 1,
            description: clipped(subcommand.description),
            options: ordered.isEmpty
                ? nil
                : ordered.map { option in
                    DiscordCommandDefinition(
                        name: option.name,
                        type: option.kind.rawValue,
                        description: clipped(option.description),
                        required: option.required,
                        choices: option.choices.isEmpty ? nil : option.choices.map { .init(name: $0, value: $0) }
                    )
                }
        )
    }

    private static func clipped(_ text: String) -> String { text.count <= 100 ? text : String(text.prefix(99)) + "…" }
}

/// An application command, subcommand, group or option as Discord registers it.
package struct DiscordCommandDefinition: Encodable, Sendable {
    package struct Choice: Encodable, Sendable {
        package var name: String
        package var value: String
    }

    package var name: String
    package var type: Int
    package var description: String
    package var options: [DiscordCommandDefinition]?
    package var required: Bool?
    package var choices: [Choice]?
}
