import Foundation

/// Turns command text into a `Command`, or a one-line error with the exact usage.
package enum CommandParser {
    /// Longest title accepted, in characters.
    package static let maxTitleLength = 200
    /// Longest free text (updates, notes, root causes) accepted, in characters.
    package static let maxTextLength = 3000
    /// Longest command line accepted; anything longer is refused before it is read.
    package static let maxLineLength = 8000

    /// Parses a whole line such as `/incident declare sev1 …` or `/inc ack`.
    package static func parse(line: String) throws(CommandError) -> Command {
        let trimmed = line.trimmingWhitespace()
        guard let rest = stripCommandName(trimmed) else {
            throw CommandError("Commands start with /incident (or /inc).", usage: "/incident help")
        }
        return try parse(arguments: rest)
    }

    /// The text after `/incident` or `/inc`, or nil when the line is not an incident command.
    package static func stripCommandName(_ line: String) -> String? {
        for name in ["/incident", "/inc", "!incident", "!inc"] {
            guard line.lowercased().hasPrefix(name) else { continue }
            let rest = line.dropFirst(name.count)
            if rest.isEmpty || rest.first!.isWhitespace { return String(rest) }
        }
        return nil
    }

    /// Parses the arguments of the command, as Slack sends them in `text`: `declare sev1 …`.
    package static func parse(arguments: String) throws(CommandError) -> Command {
        guard arguments.count <= maxLineLength else {
            throw CommandError("The command is \(arguments.count) characters long; the limit is \(maxLineLength).")
        }
        if let scalar = arguments.unicodeScalars.first(where: isForbiddenControl) {
            throw CommandError(String(format: "The command contains a control character (U+%04X); retype it as plain text.", scalar.value))
        }
        let tokens = try CommandTokenizer.tokenize(arguments)
        guard let verbToken = tokens.first else { return .help(verb: nil) }
        guard !verbToken.quoted, let spec = VerbCatalog.spec(named: verbToken.text) else {
            throw unknownVerb(verbToken.text)
        }
        return try VerbArguments(source: arguments, tokens: tokens, spec: spec).parse()
    }

    static func unknownVerb(_ typed: String) -> CommandError {
        if let suggestion = VerbCatalog.suggestion(for: typed) {
            return CommandError("Unknown command '\(typed)'. Did you mean '\(suggestion)'?", usage: VerbCatalog.usage(suggestion))
        }
        return CommandError("Unknown command '\(typed)'. See the list of commands with /incident help.")
    }

    static func isForbiddenControl(_ scalar: Unicode.Scalar) -> Bool {
        scalar.properties.generalCategory == .control && scalar != "\n" && scalar != "\t" && scalar != "\r"
    }
}

/// The arguments of one verb, with the helpers every verb's grammar uses.
struct VerbArguments {
    let source: String
    let tokens: [CommandToken]
    let spec: VerbSpec

    var usage: String { spec.usage }

    func fail(_ problem: String) -> CommandError { CommandError(problem, usage: usage) }

    func parse() throws(CommandError) -> Command {
        switch spec.name {
        case "declare": return try declare()
        case "ack":
            try noArguments()
            return .acknowledge
        case "sev": return try severity()
        case "role": return try role()
        case "status": return try status()
        case "update": return try update()
        case "note": return .addNote(try requiredText(from: 1, what: "the note"))
        case "impact": return try impact()
        case "systems": return .setSystems(try systemList(try requiredText(from: 1, what: "the affected systems")))
        case "mitigated": return .mitigate(try optionalText(from: 1))
        case "resolve": return try resolve()
        case "reopen": return .reopen(reason: try optionalText(from: 1))
        case "action": return try action()
        case "actions":
            try noArguments()
            return .listActions
        case "timeline":
            try noArguments()
            return .timeline
        case "summary":
            try noArguments()
            return .summary
        case "postmortem": return try postmortem()
        case "learn": return try learn()
        case "why": return .addWhy(try requiredText(from: 1, what: "the answer to this why"))
        case "link": return try link()
        case "private": return try visibility()
        case "escalate": return try escalate()
        case "oncall":
            try noArguments()
            return .oncall
        case "handover": return try handover()
        case "report": return .report(try requiredText(from: 1, what: "what is wrong"))
        case "reports":
            try noArguments()
            return .listReports
        case "dismiss":
            guard let token = tokens[safe: 1] else { throw fail("Give the number of the report.") }
            return .dismissReport(try reportNumber(token.text), reason: try optionalText(from: 2))
        case "snooze": return .snooze(try span(tokens[safe: 1]?.text, what: "how long to snooze", maximum: .hours(24)))
        case "remind": return try remind()
        default: return try help()
        }
    }

    // MARK: verbs

    private func declare() throws(CommandError) -> Command {
        guard tokens.count > 1 else { throw fail("Give a severity and a title.") }
        var titleStart = 2
        var severity = Severity(parsing: tokens[1].text)
        if severity == nil, tokens[1].text.lowercased() == "sev", let number = tokens[safe: 2], let parsed = Severity(parsing: number.text) {
            severity = parsed
            titleStart = 3
        }
        guard let severity else {
            throw fail("'\(tokens[1].text)' is not a severity; start with sev1 (critical), sev2, sev3 or sev4 (low).")
        }
        let split = try clauses(["impact", "systems", "from"], from: titleStart)
        let fromReport = try split.clauses["from"].map { (text) throws(CommandError) in try reportNumber(text) }
        guard !split.body.isEmpty || fromReport != nil else { throw fail("Give the incident a title.") }
        let title = try checked(split.body, what: "The title", limit: CommandParser.maxTitleLength)
        let impact = try split.clauses["impact"].map { (text) throws(CommandError) in try checked(text, what: "The impact") }
        let systems = try split.clauses["systems"].map { (text) throws(CommandError) in try systemList(text) } ?? []
        if impact?.isEmpty == true { throw fail("'impact:' needs a description after it.") }
        return .declare(severity: severity, title: title, impact: impact, systems: systems, fromReport: fromReport)
    }

    private func severity() throws(CommandError) -> Command {
        guard let first = tokens[safe: 1] else { throw fail("Give the new severity, 1 to 4.") }
        var reasonStart = 2
        var severity = Severity(parsing: first.text)
        if severity == nil, first.text.lowercased() == "sev", let number = tokens[safe: 2], let parsed = Severity(parsing: number.text) {
            severity = parsed
            reasonStart = 3
        }
        guard let severity else { throw fail("'\(first.text)' is not a severity; use 1 (critical) to 4 (low).") }
        var reason = try optionalText(from: reasonStart)
        if let text = reason, text.lowercased().hasPrefix("reason:") {
            reason = String(text.dropFirst("reason:".count)).trimmingCharacters(in: .whitespaces)
            if reason!.isEmpty { reason = nil }
        }
        return .setSeverity(severity, reason: reason)
    }

    private func role() throws(CommandError) -> Command {
        guard let roleToken = tokens[safe: 1] else { throw fail("Name a role and a person.") }
        guard let role = Role(parsing: roleToken.text) else {
            throw fail("'\(roleToken.text)' is not a role; use ic, lead, scribe or comms.")
        }
        guard let userToken = tokens[safe: 2] else { throw fail("Name the person with @user.") }
        let user = try mention(userToken)
        guard tokens.count == 3 else { throw fail("Give one role and one person.") }
        return .assignRole(role, user)
    }

    private func status() throws(CommandError) -> Command {
        guard let token = tokens[safe: 1], tokens.count == 2 else { throw fail("Give one status.") }
        let word = token.text.lowercased()
        if word == "resolved" { throw CommandError("To resolve, use /incident resolve.", usage: VerbCatalog.usage("resolve")) }
        if word == "mitigated" { throw CommandError("To record mitigation, use /incident mitigated.", usage: VerbCatalog.usage("mitigated")) }
        guard let status = IncidentStatus(rawValue: word), IncidentStatus.settable.contains(status) else {
            throw fail("'\(token.text)' is not a status.")
        }
        return .setStatus(status)
    }

    private func update() throws(CommandError) -> Command {
        let split = try clauses(["next", "eta"], from: 1)
        guard !split.body.isEmpty else { throw fail("Write the update text.") }
        let text = try checked(split.body, what: "The update")
        let next = try split.clauses["next"].map { (value) throws(CommandError) in try span(value, what: "'next:'", maximum: .hours(24)) }
        let eta = try split.clauses["eta"].map { (value) throws(CommandError) in try span(value, what: "'eta:'", maximum: .days(30)) }
        return .postUpdate(text: text, next: next, eta: eta)
    }

    private func resolve() throws(CommandError) -> Command {
        let split = try clauses(["root cause"], from: 1)
        if let cause = split.clauses["root cause"] {
            guard split.body.isEmpty else { throw fail("Put all of the root cause after 'root cause:'.") }
            guard !cause.isEmpty else { throw fail("'root cause:' needs a description after it.") }
            return .resolve(rootCause: try checked(cause, what: "The root cause"))
        }
        return .resolve(rootCause: split.body.isEmpty ? nil : try checked(split.body, what: "The root cause"))
    }

    private func action() throws(CommandError) -> Command {
        switch tokens[safe: 1]?.text.lowercased() {
        case "add", "new":
            let split = try clauses(["due"], from: 2)
            let bodyTokens = try CommandTokenizer.tokenize(split.body)
            guard let ownerToken = bodyTokens.last, !ownerToken.quoted, ownerToken.text.hasPrefix("@") || ownerToken.text.hasPrefix("<@") else {
                throw fail("End the action item with its owner, as @user.")
            }
            let owner = try mention(ownerToken)
            let text = split.body[..<ownerToken.range.lowerBound].trimmingWhitespace()
            guard !text.isEmpty else { throw fail("Describe the action item before its owner.") }
            guard let dueText = split.clauses["due"] else { throw fail("Give the action item a due date with due: YYYY-MM-DD.") }
            guard let due = CalendarDate(parsing: dueText) else { throw fail("'\(dueText)' is not a date; write due: YYYY-MM-DD.") }
            return .addAction(text: try checked(unquoted(text), what: "The action item"), owner: owner, due: due)
        case "done", "complete", "close":
            guard let token = tokens[safe: 2], tokens.count == 3 else { throw fail("Give the number of the action item.") }
            return .completeAction(try actionNumber(token))
        case "reassign", "assign":
            guard let token = tokens[safe: 2], let ownerToken = tokens[safe: 3], tokens.count == 4 else {
                throw fail("Give the number of the action item and its new owner.")
            }
            return .reassignAction(try actionNumber(token), to: try mention(ownerToken))
        default:
            throw fail("Say 'action add', 'action done' or 'action reassign'.")
        }
    }

    private func actionNumber(_ token: CommandToken) throws(CommandError) -> Int {
        guard let number = Int(token.text.trimmingCharacters(in: CharacterSet(charactersIn: "#"))), number > 0 else {
            throw fail("'\(token.text)' is not an action item number; see them with /incident actions.")
        }
        return number
    }

    /// `impact <text>` is the customer-facing statement; `impact customers: <text>` (or `revenue:`, `data:`,
    /// `internal:`) fills one of the postmortem's impact fields.
    private func impact() throws(CommandError) -> Command {
        let first = tokens[safe: 1]?.text.lowercased() ?? ""
        guard let colon = first.firstIndex(of: ":"), let aspect = ImpactAspect(rawValue: String(first[..<colon])) else {
            return .setImpact(try requiredText(from: 1, what: "the impact"))
        }
        guard first.index(after: colon) == first.endIndex else {
            throw fail("Put a space after '\(aspect.rawValue):' and then the \(aspect.title.lowercased()).")
        }
        return .setImpactDetail(aspect, try requiredText(from: 2, what: "the \(aspect.title.lowercased()) after '\(aspect.rawValue):'"))
    }

    private func postmortem() throws(CommandError) -> Command {
        guard let first = tokens[safe: 1] else { return .postmortem }
        guard first.text.lowercased() == "author" else { throw fail("'\(first.text)' is not a postmortem option; say 'author @user' or nothing.") }
        guard let userToken = tokens[safe: 2] else { throw fail("Name the author with @user.") }
        let user = try mention(userToken)
        guard tokens.count == 3 else { throw fail("Name one author.") }
        return .setPostmortemAuthor(user)
    }

    private func learn() throws(CommandError) -> Command {
        let kinds: [String: LearningKind] = ["good": .wentWell, "well": .wentWell, "improve": .toImprove, "better": .toImprove]
        guard let token = tokens[safe: 1], let kind = kinds[token.text.lowercased()] else {
            throw fail("Say 'good' (what went well) or 'improve' (what could be improved) first.")
        }
        return .learn(kind, try requiredText(from: 2, what: "the lesson"))
    }

    private func link() throws(CommandError) -> Command {
        guard let token = tokens[safe: 1] else { throw fail("Give the id of the related incident.") }
        guard let other = IncidentID(parsing: token.text) else { throw fail("'\(token.text)' is not an incident id such as INC-2026-0007.") }
        return .link(other, note: try optionalText(from: 2))
    }

    private func visibility() throws(CommandError) -> Command {
        guard tokens.count <= 2 else { throw fail("Say 'on' (private) or 'off' (public).") }
        switch tokens[safe: 1]?.text.lowercased() ?? "on" {
        case "on", "yes": return .setPrivate(true)
        case "off", "no": return .setPrivate(false)
        default: throw fail("Say 'on' (private) or 'off' (public).")
        }
    }

    private func escalate() throws(CommandError) -> Command {
        guard let token = tokens[safe: 1] else { return .escalate(level: nil, user: nil) }
        guard tokens.count == 2 else { throw fail("Give one level or one person.") }
        if token.text.hasPrefix("@") || token.text.hasPrefix("<@") { return .escalate(level: nil, user: try mention(token)) }
        let digits = token.text.lowercased().hasPrefix("l") ? String(token.text.dropFirst()) : token.text
        guard let level = Int(digits), (1...4).contains(level) else { throw fail("'\(token.text)' is not a level; use 1 to 4.") }
        return .escalate(level: level, user: nil)
    }

    private func reportNumber(_ text: String) throws(CommandError) -> Int {
        var digits = text.lowercased()
        if digits.hasPrefix("report") { digits = String(digits.dropFirst("report".count)).trimmingCharacters(in: .whitespaces) }
        guard let number = Int(digits.trimmingCharacters(in: CharacterSet(charactersIn: "#"))), number > 0 else {
            throw fail("'\(text)' is not a report number; see them with /incident reports.")
        }
        return number
    }

    private func handover() throws(CommandError) -> Command {
        guard let token = tokens[safe: 1] else { throw fail("Name the next on-call with @user.") }
        if token.text.lowercased() == "ack" || token.text.lowercased() == "acknowledge" {
            guard tokens.count == 2 else { throw fail("'handover ack' takes nothing after it.") }
            return .acknowledgeHandover
        }
        let user = try mention(token)
        return .handover(to: user, notes: try requiredText(from: 2, what: "the handover notes"))
    }

    private func remind() throws(CommandError) -> Command {
        guard let token = tokens[safe: 1], tokens.count == 2 else { throw fail("Say 'off', 'on', or an interval such as 10m.") }
        switch token.text.lowercased() {
        case "off": return .remind(.off)
        case "on", "default": return .remind(.cadence)
        default: return .remind(.every(interval: try span(token.text, what: "the reminder interval", maximum: .hours(24))))
        }
    }

    private func help() throws(CommandError) -> Command {
        guard let token = tokens[safe: 1] else { return .help(verb: nil) }
        guard let spec = VerbCatalog.spec(named: token.text) else { throw CommandParser.unknownVerb(token.text) }
        return .help(verb: spec.name)
    }

    // MARK: helpers

    private func noArguments() throws(CommandError) {
        guard tokens.count == 1 else { throw fail("'\(spec.name)' takes no arguments.") }
    }

    private func clauses(_ keys: [String], from start: Int) throws(CommandError) -> ClauseSplit {
        try ClauseScanner(source: source, tokens: tokens, keys: keys, usage: usage).split(from: start)
    }

    private func optionalText(from start: Int) throws(CommandError) -> String? {
        let text = ClauseScanner(source: source, tokens: tokens, keys: [], usage: usage).text(tokenRange: start..<max(start, tokens.count), from: nil)
        return text.isEmpty ? nil : try checked(text, what: "The text")
    }

    private func requiredText(from start: Int, what: String) throws(CommandError) -> String {
        guard let text = try optionalText(from: start) else { throw fail("Write \(what).") }
        return text
    }

    private func checked(_ text: String, what: String, limit: Int = CommandParser.maxTextLength) throws(CommandError) -> String {
        guard text.count <= limit else { throw fail("\(what) is \(text.count) characters long; the limit is \(limit).") }
        return text
    }

    private func unquoted(_ text: String) -> String {
        guard text.count >= 2, text.first == "\"", text.last == "\"" else { return text }
        return String(text.dropFirst().dropLast())
    }

    private func mention(_ token: CommandToken) throws(CommandError) -> UserRef {
        guard let user = UserRef(mention: token.text) else {
            let bare = token.text.trimmingCharacters(in: CharacterSet(charactersIn: "@<>!"))
            if UserRef.broadcastNames.contains(bare.lowercased()) {
                throw fail("'\(token.text)' is everyone, not a person; name one person with @user.")
            }
            throw fail("'\(token.text)' is not a person; write @user.")
        }
        return user
    }

    private func systemList(_ text: String) throws(CommandError) -> [String] {
        let systems = text.split(separator: ",").map { $0.trimmingCharacters(in: .whitespacesAndNewlines) }.filter { !$0.isEmpty }
        guard !systems.isEmpty else { throw fail("Name at least one system.") }
        guard systems.count <= 20, systems.allSatisfy({ $0.count <= 80 }) else {
            throw fail("Name at most 20 systems of at most 80 characters each.")
        }
        return systems
    }

    private func span(_ text: String?, what: String, maximum: TimeSpan) throws(CommandError) -> TimeSpan {
        guard let text, !text.isEmpty else { throw fail("Give \(what) as a duration such as 30m.") }
        guard let span = TimeSpan(parsing: text) else {
            throw fail("\(what.prefix(1).uppercased() + what.dropFirst()) '\(text)' is not a duration; write it like 30s, 15m, 1h or 1h30m.")
        }
        guard span <= maximum else { throw fail("\(what.prefix(1).uppercased() + what.dropFirst()) can be at most \(maximum).") }
        return span
    }
}
