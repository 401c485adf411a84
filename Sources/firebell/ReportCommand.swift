import ArgumentParser
import FirebellServer
import Foundation
import IncidentKit
import Messaging

/// `firebell report [--days 90]`: the insights of the data folder as Markdown tables, the same figures as
/// `/insights`.
struct ReportCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "report",
        abstract: "Print the incident insights of the last N days (Markdown): response times, updates, action items, on-call load."
    )

    @Option(name: .long, help: "The window, in days before now (1 to 366).")
    var days = 90

    @Option(name: .long, help: "The end of the window: a UTC timestamp (2026-11-20T12:00:00Z) or a day (2026-11-20, to its end). Default: now.")
    var until: String?

    @Flag(name: .long, help: "Print /insights.json's JSON instead of Markdown.")
    var json = false

    @OptionGroup var options: DataOptions

    func validate() throws {
        guard (1...StatusPageSettings.longestHistoryDays).contains(days) else {
            throw ValidationError("--days must be from 1 to \(StatusPageSettings.longestHistoryDays), not \(days).")
        }
        if let until, end(until) == nil {
            throw ValidationError("--until '\(until)' is neither a UTC timestamp such as 2026-11-20T12:00:00Z nor a day such as 2026-11-20.")
        }
    }

    /// The window's end: a timestamp as given, or the end of a given day (UTC).
    func end(_ text: String) -> Date? {
        if let day = CalendarDate(parsing: text) { return day.startOfDay.addingTimeInterval(86400) }
        return ISOTimestamp.parseRFC3339(text)
    }

    func run() async throws {
        let configuration = try options.loadConfiguration()
        let service = try await IncidentService.opening(configuration, logger: ConsoleLogging.logger())
        await service.readModelReady()
        let now = until.flatMap(end) ?? service.clock.now()
        let insights = service.readModel.insights(days: days, now: now, configuration: configuration.engine)
        let renderer = InsightsRenderer()
        print(json ? String(decoding: renderer.json(insights), as: UTF8.self) : renderer.markdown(insights))
    }
}
