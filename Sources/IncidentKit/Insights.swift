import Foundation

/// What happened across incidents over a window of days: how many, how fast they were handled, whether updates came
/// on time, what became of the action items, and who carried the pager. Computed from incidents and their events
/// alone, so the insights page, `/insights.json` and `firebell report` show the same figures.
///
/// Private incidents are counted in every figure but never named: the oldest overdue action item of one shows as
/// "a private incident" with no text. Encoded with snake-case keys (`window_days`, `by_severity`, `mtta_seconds`);
/// a figure that cannot be measured (no incident of that severity was acknowledged) is left out.
package struct Insights: Sendable, Equatable, Codable {
    /// One incident as the computation reads it: its state, the events its update compliance replays, and a digest
    /// of the rest.
    package struct Source: Sendable {
        package var incident: Incident
        /// At least the events ``keepsForCompliance(_:)`` names (more do no harm).
        package var records: [EventRecord]
        package var names: PeopleNames
        package var digest: Digest

        /// `digest` defaults to the one of `records` (when they are the incident's whole log).
        package init(incident: Incident, records: [EventRecord], names: PeopleNames = PeopleNames(), digest: Digest? = nil) {
            self.incident = incident
            self.records = records
            self.names = names
            self.digest = digest ?? records.reduce(into: Digest()) { $0.add($1) }
        }
    }

    /// What the insights need of an incident's events beyond its state and its compliance: who took part from when,
    /// and the services its alerts named. Small and kept up to date event by event, so a read model need not keep
    /// every event of every incident.
    package struct Digest: Sendable, Equatable {
        /// When each person first took part: acted on the incident, was given a role, or was paged.
        package var firstInvolved: [UserRef: Date] = [:]
        /// The `service` labels of the alerts that opened it or were attached to it.
        package var services: Set<String> = []

        package init() {}

        package mutating func add(_ record: EventRecord) {
            func involve(_ user: UserRef) {
                guard user != Input.bot, user != Input.monitoring else { return }
                firstInvolved[user] = min(firstInvolved[user] ?? record.at, record.at)
            }
            involve(record.actor)
            switch record.event {
            case .roleAssigned(_, let user, _), .paged(_, let user, _): involve(user)
            case .alertDetected(_, _, _, let labels, _, _):
                if let service = labels["service"], !service.isEmpty { services.insert(service) }
            default: break
            }
        }
    }

    /// The events an incident's update compliance is replayed from: those that start, stop or move its update
    /// clock. The rest (notes, reminders, pages, alert counts…) is not needed, and is the bulk of a log.
    package static func keepsForCompliance(_ event: IncidentEvent) -> Bool {
        switch event {
        case .declared, .severityChanged, .statusChanged, .updatePosted, .holdingUpdatePosted, .mitigated, .resolved, .reopened,
            .remindersChanged, .snoozed:
            true
        default:
            false
        }
    }

    /// Response times of one severity: medians and 90th percentiles, in seconds.
    package struct SeverityFigures: Sendable, Equatable, Codable {
        package var count = 0
        package var mttaSeconds: Int?
        package var mttmSeconds: Int?
        package var mttrSeconds: Int?
        package var p90MttaSeconds: Int?
        package var p90MttmSeconds: Int?
        package var p90MttrSeconds: Int?
    }

    /// Incidents declared in one week (Monday to Sunday, UTC), by severity.
    package struct Week: Sendable, Equatable, Codable {
        package var start: CalendarDate
        package var bySeverity: [String: Int]
    }

    /// One calendar month (UTC): median response times and update compliance of the incidents declared in it.
    package struct Month: Sendable, Equatable, Codable {
        package var month: String
        package var incidents = 0
        package var mttaSeconds: Int?
        package var mttmSeconds: Int?
        package var mttrSeconds: Int?
        /// Expected Status Updates, those posted on time, and the holding posts the bot made instead.
        package var expectedUpdates = 0
        package var onTimeUpdates = 0
        package var holdingPosts = 0
        /// On-time share, nil when no update was expected.
        package var updateCompliance: Double?
    }

    /// The load one person carried: the signals of burnout.
    package struct PersonLoad: Sendable, Equatable, Codable {
        package var person: String
        package var pages = 0
        /// Pages between 22:00 and 07:00 in the paging rotation's time zone.
        package var nightPages = 0
        /// Hours from each of their incidents' first involvement (a page, a role, an action) to its resolution.
        package var incidentHours = 0.0
        /// The longest run of consecutive days on call at level 1 of any rotation, within the window.
        package var consecutiveOnCallDays = 0
    }

    /// An action item shown by itself; the incident is named only when it is not private.
    package struct ActionItemRef: Sendable, Equatable, Codable {
        package var incident: String
        package var number: Int?
        package var text: String?
        package var owner: String?
        package var due: CalendarDate
        package var daysOverdue: Int
    }

    /// One week of action items: opened and done in it, overdue at its end.
    package struct ActionWeek: Sendable, Equatable, Codable {
        package var start: CalendarDate
        package var opened = 0
        package var done = 0
        package var overdue = 0
    }

    package struct ActionItemFigures: Sendable, Equatable, Codable {
        /// Open now, of every incident.
        package var open = 0
        /// Open now and past their due day.
        package var overdue = 0
        /// Completed within the window.
        package var done = 0
        /// Created within the window.
        package var opened = 0
        package var oldestOverdue: ActionItemRef?
        package var weeks: [ActionWeek] = []
    }

    /// A service or system by how many incidents touched it and for how long.
    package struct Ranked: Sendable, Equatable, Codable {
        package var name: String
        package var incidents = 0
        package var hours = 0.0
    }

    package var windowDays: Int
    package var from: Date
    package var to: Date
    package var incidents: Int
    package var privateIncidents: Int
    package var bySeverity: [String: SeverityFigures]
    /// On-time share of every expected Status Update in the window; nil when none was expected.
    package var updateCompliance: Double?
    package var holdingPosts: Int
    package var weeks: [Week]
    package var months: [Month]
    package var oncall: [PersonLoad]
    package var actionItems: ActionItemFigures
    /// Services named by alert labels (`service`), most incidents first.
    package var services: [Ranked]
    /// Systems set on incidents (`declare … systems:` or `/incident systems`), most incidents first.
    package var systems: [Ranked]
}

extension Insights {
    /// The hours counted as night for pages, in the rotation's time zone: 22:00 to 07:00.
    package static func isNight(hour: Int) -> Bool { hour >= 22 || hour < 7 }

    /// The figures of incidents declared in the `days` before `now`; action items of every incident.
    package init(
        _ sources: [Source],
        days: Int,
        now: Date,
        configuration: EngineConfiguration = .standard,
        onCall: OnCallPolicy = OnCallPolicy()
    ) {
        let from = now.addingTimeInterval(-TimeInterval(days) * 86400)
        let inWindow = sources.filter { $0.incident.declaredAt >= from && $0.incident.declaredAt <= now }
        windowDays = days
        self.from = from
        to = now
        incidents = inWindow.count
        privateIncidents = inWindow.filter(\.incident.isPrivate).count

        bySeverity = [:]
        for severity in Severity.allCases {
            let metrics = inWindow.filter { $0.incident.severity == severity }.map { ResponseMetrics(incident: $0.incident) }
            guard !metrics.isEmpty else { continue }
            bySeverity[severity.key] = SeverityFigures(
                count: metrics.count,
                mttaSeconds: Self.median(metrics.compactMap(\.timeToAcknowledge?.seconds)),
                mttmSeconds: Self.median(metrics.compactMap(\.timeToMitigate?.seconds)),
                mttrSeconds: Self.median(metrics.compactMap(\.timeToResolve?.seconds)),
                p90MttaSeconds: Self.percentile90(metrics.compactMap(\.timeToAcknowledge?.seconds)),
                p90MttmSeconds: Self.percentile90(metrics.compactMap(\.timeToMitigate?.seconds)),
                p90MttrSeconds: Self.percentile90(metrics.compactMap(\.timeToResolve?.seconds))
            )
        }

        weeks = Self.weekStarts(from: from, to: now).map { start in
            let end = start.startOfDay.addingTimeInterval(7 * 86400)
            var counts: [String: Int] = [:]
            for source in inWindow where source.incident.declaredAt >= start.startOfDay && source.incident.declaredAt < end {
                counts[source.incident.severity.key, default: 0] += 1
            }
            return Week(start: start, bySeverity: counts)
        }

        var months: [String: Month] = [:]
        var monthMetrics: [String: [ResponseMetrics]] = [:]
        for source in inWindow {
            let key = Self.monthKey(source.incident.declaredAt)
            var month = months[key] ?? Month(month: key)
            month.incidents += 1
            let compliance = UpdateCompliance(records: source.records, incident: source.incident.id, configuration: configuration)
            month.expectedUpdates += compliance.entries.count
            month.onTimeUpdates += compliance.onTimeCount
            month.holdingPosts += compliance.holdingCount
            months[key] = month
            monthMetrics[key, default: []].append(ResponseMetrics(incident: source.incident))
        }
        for (key, metrics) in monthMetrics {
            months[key]?.mttaSeconds = Self.median(metrics.compactMap(\.timeToAcknowledge?.seconds))
            months[key]?.mttmSeconds = Self.median(metrics.compactMap(\.timeToMitigate?.seconds))
            months[key]?.mttrSeconds = Self.median(metrics.compactMap(\.timeToResolve?.seconds))
            if let month = months[key], month.expectedUpdates > 0 {
                months[key]?.updateCompliance = Double(month.onTimeUpdates) / Double(month.expectedUpdates)
            }
        }
        self.months = months.values.sorted { $0.month < $1.month }
        let expected = self.months.reduce(0) { $0 + $1.expectedUpdates }
        updateCompliance = expected == 0 ? nil : Double(self.months.reduce(0) { $0 + $1.onTimeUpdates }) / Double(expected)
        holdingPosts = self.months.reduce(0) { $0 + $1.holdingPosts }

        oncall = Self.load(inWindow, from: from, now: now, onCall: onCall, namedIn: sources)
        actionItems = Self.actionItems(sources, from: from, now: now)
        (services, systems) = Self.ranking(inWindow, now: now)
    }

    // MARK: - Pieces

    static func median(_ values: [Int]) -> Int? {
        guard !values.isEmpty else { return nil }
        let sorted = values.sorted()
        let middle = sorted.count / 2
        return sorted.count % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2
    }

    /// Nearest rank: the smallest value with at least 90% of the values at or below it.
    static func percentile90(_ values: [Int]) -> Int? {
        guard !values.isEmpty else { return nil }
        let sorted = values.sorted()
        let rank = Int((Double(sorted.count) * 0.9).rounded(.up))
        return sorted[max(0, rank - 1)]
    }

    static func monthKey(_ date: Date) -> String { String(ISOTimestamp.format(date).prefix(7)) }

    /// The Mondays (UTC) of the weeks that overlap the window.
    static func weekStarts(from: Date, to: Date) -> [CalendarDate] {
        let firstDay = Int((from.timeIntervalSince1970 / 86400).rounded(.down))
        // 1970-01-01 was a Thursday: day 0 is weekday 3 counting Monday as 0.
        var monday = firstDay - ((firstDay + 3) % 7 + 7) % 7
        var starts: [CalendarDate] = []
        while TimeInterval(monday) * 86400 <= to.timeIntervalSince1970 {
            starts.append(CalendarDate(containing: Date(timeIntervalSince1970: TimeInterval(monday) * 86400)))
            monday += 7
        }
        return starts
    }

    private static func hours(_ from: Date, _ to: Date) -> Double { max(0, to.timeIntervalSince(from)) / 3600 }

    /// Pages, night pages, hours in incidents and on-call runs per person, most pages first; a person goes by the
    /// name the first channel of `namedIn` knows for them.
    static func load(_ sources: [Source], from: Date, now: Date, onCall: OnCallPolicy, namedIn everyIncident: [Source]) -> [PersonLoad] {
        var loads: [UserRef: PersonLoad] = [:]
        var display: [UserRef: String] = [:]
        func name(_ user: UserRef) -> String {
            if let known = display[user] { return known }
            let found = everyIncident.lazy.map { $0.names.name(user) }.first { $0 != user.description } ?? user.description
            display[user] = found
            return found
        }
        func add(_ user: UserRef, _ change: (inout PersonLoad) -> Void) {
            var load = loads[user] ?? PersonLoad(person: name(user))
            change(&load)
            loads[user] = load
        }
        let zones = Dictionary(onCall.rotations.map { ($0.name, $0.timeZone) }, uniquingKeysWith: { first, _ in first })
        for source in sources {
            let incident = source.incident
            for page in incident.pages where page.at >= from && page.at <= now {
                var calendar = Calendar(identifier: .gregorian)
                calendar.timeZone = zones[page.rotation] ?? TimeZone(identifier: "UTC")!
                let night = isNight(hour: calendar.component(.hour, from: page.at))
                add(page.user) {
                    $0.pages += 1
                    if night { $0.nightPages += 1 }
                }
            }
            let end = min(incident.resolvedAt ?? now, now)
            for (user, start) in source.digest.firstInvolved { add(user) { $0.incidentHours += hours(start, end) } }
        }
        for (user, days) in longestOnCallStreaks(onCall, from: from, now: now) { add(user) { $0.consecutiveOnCallDays = days } }
        return loads.values.sorted { ($1.pages, $1.incidentHours, $0.person) < ($0.pages, $0.incidentHours, $1.person) }
    }

    /// The longest run of days each person was on call at level 1 (sampled at local noon, in the rotation's zone).
    static func longestOnCallStreaks(_ onCall: OnCallPolicy, from: Date, now: Date) -> [UserRef: Int] {
        var longest: [UserRef: Int] = [:]
        for rotation in onCall.rotations where !(rotation.levels.first ?? []).isEmpty {
            var calendar = Calendar(identifier: .gregorian)
            calendar.timeZone = rotation.timeZone
            var day = calendar.startOfDay(for: from)
            var current: (user: UserRef, days: Int)?
            while day <= now {
                let noon = calendar.date(byAdding: .hour, value: 12, to: day) ?? day
                if noon >= from, noon <= now, let user = rotation.member(level: 1, at: noon) {
                    current = current?.user == user ? (user, current!.days + 1) : (user, 1)
                    longest[user] = max(longest[user] ?? 0, current!.days)
                }
                guard let next = calendar.date(byAdding: .day, value: 1, to: day) else { break }
                day = next
            }
        }
        return longest
    }

    static func actionItems(_ sources: [Source], from: Date, now: Date) -> ActionItemFigures {
        var figures = ActionItemFigures()
        let today = CalendarDate(containing: now)
        var oldest: (item: ActionItem, incident: Incident, names: PeopleNames)?
        for source in sources {
            for item in source.incident.actionItems {
                if item.createdAt >= from && item.createdAt <= now { figures.opened += 1 }
                if let done = item.doneAt, done >= from, done <= now { figures.done += 1 }
                guard !item.isDone else { continue }
                figures.open += 1
                guard let due = item.due, due < today else { continue }
                figures.overdue += 1
                if oldest == nil || due < oldest!.item.due! { oldest = (item, source.incident, source.names) }
            }
        }
        if let (item, incident, names) = oldest, let due = item.due {
            let late = Int(today.startOfDay.timeIntervalSince(due.startOfDay) / 86400)
            figures.oldestOverdue =
                incident.isPrivate
                ? ActionItemRef(incident: "a private incident", due: due, daysOverdue: late)
                : ActionItemRef(
                    incident: incident.id.description,
                    number: item.number,
                    text: item.text,
                    owner: names.name(item.owner),
                    due: due,
                    daysOverdue: late
                )
        }
        let all = sources.flatMap(\.incident.actionItems)
        figures.weeks = weekStarts(from: from, to: now).map { start in
            let end = min(start.startOfDay.addingTimeInterval(7 * 86400), now)
            let endDay = CalendarDate(containing: end)
            return ActionWeek(
                start: start,
                opened: all.filter { $0.createdAt >= start.startOfDay && $0.createdAt < end }.count,
                done: all.filter { $0.doneAt.map { $0 >= start.startOfDay && $0 < end } ?? false }.count,
                overdue: all.filter { item in
                    item.createdAt < end && (item.doneAt.map { $0 >= end } ?? true) && (item.due.map { $0 < endDay } ?? false)
                }.count
            )
        }
        return figures
    }

    static func ranking(_ sources: [Source], now: Date) -> (services: [Ranked], systems: [Ranked]) {
        var services: [String: Ranked] = [:]
        var systems: [String: Ranked] = [:]
        for source in sources {
            let incident = source.incident
            let hours = hours(incident.declaredAt, min(incident.resolvedAt ?? now, now))
            for service in source.digest.services {
                services[service, default: Ranked(name: service)].incidents += 1
                services[service]?.hours += hours
            }
            for system in Set(incident.systems) {
                systems[system, default: Ranked(name: system)].incidents += 1
                systems[system]?.hours += hours
            }
        }
        func top(_ ranked: [String: Ranked]) -> [Ranked] {
            Array(ranked.values.sorted { ($1.incidents, $1.hours, $0.name) < ($0.incidents, $0.hours, $1.name) }.prefix(10))
        }
        return (top(services), top(systems))
    }
}

extension Severity {
    /// The key of the severity in `/insights.json` (`sev1` … `sev4`).
    package var key: String { "sev\(rawValue)" }
}
