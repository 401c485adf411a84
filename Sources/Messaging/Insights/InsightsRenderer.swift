import Foundation
import IncidentKit
import Mustache

/// Renders ``Insights`` as the HTML page (charts as inline SVG, no JavaScript), as JSON, and as Markdown tables for
/// `firebell report`. The three show the same figures.
package struct InsightsRenderer: Sendable {
    private let template: MustacheTemplate

    package init() {
        // The template is part of the binary and covered by tests; a parse failure is a build defect.
        template = try! MustacheTemplate(string: InsightsTemplates.page)
    }

    /// The windows offered as links.
    package static let windows = [30, 90, 180, 365]

    static let severityColors: [Severity: String] = [.sev1: "#b42318", .sev2: "#e04f16", .sev3: "#f79009", .sev4: "#667085"]

    // MARK: - HTML

    package func html(_ insights: Insights, generatedAt: Date) -> String {
        let pages = insights.oncall.reduce(0) { $0 + $1.pages }
        let nightPages = insights.oncall.reduce(0) { $0 + $1.nightPages }
        let weekLabels = insights.weeks.map { String($0.start.description.dropFirst(5)) }
        let severitySeries = Severity.allCases.map { severity in
            SVGChart.Series(
                name: "\(severity)",
                color: Self.severityColors[severity]!,
                values: insights.weeks.map { Double($0.bySeverity[severity.key] ?? 0) }
            )
        }
        let weekly = SVGChart(id: "weekly-chart", title: "Incidents per week by severity", summary: Self.weeklySummary(insights))
            .bars(labels: weekLabels, series: severitySeries, stacked: true)

        let trendSeries = [
            ("median time to acknowledge", "#1849a9", \Insights.Month.mttaSeconds),
            ("median time to mitigate", "#f79009", \Insights.Month.mttmSeconds),
            ("median time to resolve", "#b42318", \Insights.Month.mttrSeconds),
        ].map { name, color, path in
            SVGChart.Series(name: name, color: color, values: insights.months.map { Double($0[keyPath: path] ?? 0) / 3600 })
        }
        let trend = SVGChart(id: "trend-chart", title: "Median response times per month, in hours", summary: Self.trendSummary(insights))
            .bars(labels: insights.months.map(\.month), series: trendSeries, stacked: false, format: Self.hoursLabel)

        let compliance = SVGChart(
            id: "compliance-chart",
            title: "Share of Status Updates on time, per month",
            summary: Self.complianceSummary(insights)
        )
        .bars(
            labels: insights.months.map(\.month),
            series: [SVGChart.Series(name: "on time", color: "#12b76a", values: insights.months.map { ($0.updateCompliance ?? 0) * 100 })],
            stacked: true,
            format: { "\(Int($0.rounded()))%" }
        )

        let actionSeries = [
            SVGChart.Series(name: "opened", color: "#1849a9", values: insights.actionItems.weeks.map { Double($0.opened) }),
            SVGChart.Series(name: "done", color: "#12b76a", values: insights.actionItems.weeks.map { Double($0.done) }),
            SVGChart.Series(name: "overdue at the week's end", color: "#b42318", values: insights.actionItems.weeks.map { Double($0.overdue) }),
        ]
        let actions = SVGChart(id: "action-chart", title: "Action items per week", summary: Self.actionSummary(insights))
            .bars(labels: weekLabels, series: actionSeries, stacked: false)

        let people = insights.oncall
        let oncall = SVGChart(id: "oncall-chart", title: "Pages per person, by day and by night", summary: Self.oncallSummary(insights))
            .rows(
                labels: people.map(\.person),
                series: [
                    SVGChart.Series(name: "pages at night", color: "#53389e", values: people.map { Double($0.nightPages) }),
                    SVGChart.Series(name: "pages by day", color: "#9e77ed", values: people.map { Double($0.pages - $0.nightPages) }),
                ]
            )

        let ranked = Self.servicesAndSystems(insights)
        let systems = SVGChart(id: "systems-chart", title: "Incidents per service or system", summary: Self.systemsSummary(ranked))
            .rows(
                labels: ranked.map(\.name),
                series: [SVGChart.Series(name: "incidents", color: "#344054", values: ranked.map { Double($0.incidents) })]
            )

        var values: [String: Any] = [
            "style": InsightsTemplates.style, "days": insights.windowDays, "from": UTC.minute(insights.from), "to": UTC.minute(insights.to),
            "generated": UTC.minute(generatedAt), "windows": Self.windows.map { ["days": $0] },
            "incidents": insights.incidents, "privateIncidents": insights.privateIncidents,
            "compliance": Self.percent(insights.updateCompliance), "openItems": insights.actionItems.open,
            "overdueItems": insights.actionItems.overdue, "openedItems": insights.actionItems.opened, "doneItems": insights.actionItems.done,
            "pages": pages, "nightPages": nightPages,
            "weeklyChart": weekly, "trendChart": trend, "complianceChart": compliance, "actionChart": actions,
            "oncallChart": oncall, "systemsChart": systems,
            "severityKey": severitySeries.map { ["name": $0.name, "color": $0.color] },
            "trendKey": trendSeries.map { ["name": $0.name, "color": $0.color] },
            "actionKey": actionSeries.map { ["name": $0.name, "color": $0.color] },
            "pageKey": [["name": "at night (22:00–07:00, rotation's time zone)", "color": "#53389e"], ["name": "by day", "color": "#9e77ed"]],
            "severities": Self.severityRows(insights),
            "months": insights.months.map {
                [
                    "month": $0.month, "incidents": $0.incidents, "expected": $0.expectedUpdates, "onTime": $0.onTimeUpdates,
                    "holding": $0.holdingPosts,
                ]
            },
            "hasPeople": !people.isEmpty,
            "people": people.map {
                [
                    "person": $0.person, "pages": $0.pages, "night": $0.nightPages, "hours": Self.hours($0.incidentHours),
                    "streak": "\($0.consecutiveOnCallDays) day\($0.consecutiveOnCallDays == 1 ? "" : "s")",
                ] as [String: Any]
            },
            "hasSystems": !ranked.isEmpty,
            "systems": ranked.map { ["name": $0.name, "incidents": $0.incidents, "hours": Self.hours($0.hours)] as [String: Any] },
        ]
        if let item = insights.actionItems.oldestOverdue {
            values["oldest"] = ["what": Self.describe(item), "due": item.due.description, "late": item.daysOverdue] as [String: Any]
        }
        return template.render(values)
    }

    // MARK: - JSON

    package func json(_ insights: Insights) -> Data {
        let encoder = JSONEncoder()
        encoder.keyEncodingStrategy = .convertToSnakeCase
        encoder.dateEncodingStrategy = .custom { date, encoder in
            var container = encoder.singleValueContainer()
            try container.encode(ISOTimestamp.format(date))
        }
        encoder.outputFormatting = [.sortedKeys]
        // Every member is a plain value type; encoding cannot fail.
        return (try? encoder.encode(insights)) ?? Data("{}".utf8)
    }

    // MARK: - Markdown

    package func markdown(_ insights: Insights) -> String {
        let items = insights.actionItems
        let oldest = items.oldestOverdue.map {
            " The oldest overdue: \(DocumentMarkdown.escape(Self.describe($0))), due \($0.due) (\($0.daysOverdue) days ago)."
        }
        let sections: [[String]] = [
            [
                "# Incident insights: the last \(insights.windowDays) days", "",
                "\(UTC.minute(insights.from)) to \(UTC.minute(insights.to)). \(insights.incidents) incidents (\(insights.privateIncidents) private, "
                    + "counted but not named). Status Updates on time: \(Self.percent(insights.updateCompliance)); holding posts: \(insights.holdingPosts).",
            ],
            Self.table(
                "Response times by severity",
                ["severity", "incidents", "TTA median", "TTA p90", "TTM median", "TTM p90", "TTR median", "TTR p90"],
                Self.severityRows(insights).map { row in ["name", "count", "tta", "p90tta", "ttm", "p90ttm", "ttr", "p90ttr"].map { row[$0]! } }
            ),
            Self.table(
                "Incidents per week",
                ["week of", "SEV1", "SEV2", "SEV3", "SEV4", "total"],
                insights.weeks.map { week in
                    let counts = Severity.allCases.map { week.bySeverity[$0.key] ?? 0 }
                    return [week.start.description] + counts.map(String.init) + [String(counts.reduce(0, +))]
                }
            ),
            Self.table(
                "By month",
                ["month", "incidents", "TTA median", "TTM median", "TTR median", "updates on time", "holding posts"],
                insights.months.map { month in
                    [
                        month.month, "\(month.incidents)", Self.span(month.mttaSeconds), Self.span(month.mttmSeconds), Self.span(month.mttrSeconds),
                        "\(month.onTimeUpdates) of \(month.expectedUpdates) (\(Self.percent(month.updateCompliance)))", "\(month.holdingPosts)",
                    ]
                }
            ),
            [
                "", "## Action items", "",
                "\(items.open) open, \(items.overdue) overdue; \(items.opened) opened and \(items.done) done in the window." + (oldest ?? ""),
            ],
            Self.table(
                "On-call load",
                ["person", "pages", "at night (22–07)", "hours in incidents", "longest on-call run (days)"],
                insights.oncall.map { person in
                    [
                        DocumentMarkdown.escape(person.person), "\(person.pages)", "\(person.nightPages)", Self.hours(person.incidentHours),
                        "\(person.consecutiveOnCallDays)",
                    ]
                }
            ),
            Self.table(
                "Services and systems",
                ["service or system", "incidents", "hours in incident"],
                Self.servicesAndSystems(insights).map { [DocumentMarkdown.escape($0.name), "\($0.incidents)", Self.hours($0.hours)] }
            ),
        ]
        return sections.joined().joined(separator: "\n")
    }

    /// A `## title` section holding one Markdown table.
    static func table(_ title: String, _ header: [String], _ rows: [[String]]) -> [String] {
        func line(_ cells: [String]) -> String { "| " + cells.joined(separator: " | ") + " |" }
        return ["", "## \(title)", "", line(header), line(header.map { _ in "---" }).replacingOccurrences(of: " ", with: "")] + rows.map(line)
    }

    // MARK: - Shared pieces

    static func severityRows(_ insights: Insights) -> [[String: String]] {
        Severity.allCases.compactMap { severity in
            guard let figures = insights.bySeverity[severity.key] else { return nil }
            return [
                "name": "\(severity)", "count": "\(figures.count)",
                "tta": span(figures.mttaSeconds), "p90tta": span(figures.p90MttaSeconds),
                "ttm": span(figures.mttmSeconds), "p90ttm": span(figures.p90MttmSeconds),
                "ttr": span(figures.mttrSeconds), "p90ttr": span(figures.p90MttrSeconds),
            ]
        }
    }

    /// Services (from alert labels) and systems (set on incidents) together, most incidents first; a service that
    /// is also a system (an alert's service becomes the incident's system) shows once.
    static func servicesAndSystems(_ insights: Insights) -> [Insights.Ranked] {
        let systemNames = Set(insights.systems.map(\.name))
        let services = insights.services.filter { !systemNames.contains($0.name) }.map { ranked in
            var named = ranked
            named.name += " (service)"
            return named
        }
        return Array((services + insights.systems).sorted { ($1.incidents, $1.hours, $0.name) < ($0.incidents, $0.hours, $1.name) }.prefix(10))
    }

    static func describe(_ item: Insights.ActionItemRef) -> String {
        guard let number = item.number, let text = item.text else { return "an item of \(item.incident)" }
        return "\(item.incident) #\(number) “\(text)” (\(item.owner ?? "no owner"))"
    }

    static func span(_ seconds: Int?) -> String { seconds.map { TimeSpan(seconds: $0).spoken } ?? "—" }
    static func percent(_ share: Double?) -> String { share.map { "\(Int(($0 * 100).rounded()))%" } ?? "—" }
    static func hours(_ value: Double) -> String { String(format: "%.1f", value) }
    static func hoursLabel(_ value: Double) -> String { value == value.rounded() ? "\(Int(value)) h" : String(format: "%.1f h", value) }

    static func weeklySummary(_ insights: Insights) -> String {
        let busy = insights.weeks.filter { !$0.bySeverity.isEmpty }.map { week in
            "week of \(week.start): "
                + Severity.allCases.compactMap { severity in week.bySeverity[severity.key].map { "\($0) \(severity)" } }.joined(separator: ", ")
        }
        return "\(insights.incidents) incidents in \(insights.weeks.count) weeks. "
            + (busy.isEmpty ? "No incidents." : busy.joined(separator: "; ") + ".")
    }

    static func trendSummary(_ insights: Insights) -> String {
        insights.months.map { month in
            "\(month.month): acknowledge \(span(month.mttaSeconds)), mitigate \(span(month.mttmSeconds)), resolve \(span(month.mttrSeconds))"
        }.joined(separator: "; ")
    }

    static func complianceSummary(_ insights: Insights) -> String {
        insights.months.map { "\($0.month): \($0.onTimeUpdates) of \($0.expectedUpdates) on time, \($0.holdingPosts) holding posts" }
            .joined(separator: "; ")
    }

    static func actionSummary(_ insights: Insights) -> String {
        let items = insights.actionItems
        return "\(items.opened) opened and \(items.done) done in the window; \(items.open) open now, \(items.overdue) overdue."
    }

    static func oncallSummary(_ insights: Insights) -> String {
        insights.oncall.map { "\($0.person): \($0.pages) page\($0.pages == 1 ? "" : "s"), \($0.nightPages) at night" }.joined(separator: "; ")
    }

    static func systemsSummary(_ ranked: [Insights.Ranked]) -> String {
        ranked.map { "\($0.name): \($0.incidents) incidents, \(hours($0.hours)) h" }.joined(separator: "; ")
    }
}
