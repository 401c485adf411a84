import ArgumentParser
import FirebellServer
import Foundation
import IncidentKit
import Messaging

/// `firebell actions [--overdue]`: the action items of every incident in the data folder.
struct ActionsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "actions",
        abstract: "List the action items of all incidents (only the overdue ones with --overdue)."
    )

    @Flag(name: .long, help: "Only open items whose due date has passed (UTC).")
    var overdue = false

    @OptionGroup var options: DataOptions

    func run() async throws {
        let service = try await IncidentService.opening(try options.loadConfiguration(), logger: ConsoleLogging.logger())
        let catalog = await service.incidentCatalog()
        let report = ActionItemReport(
            incidents: catalog.map { ($0.incident, $0.names) },
            overdueOn: overdue ? CalendarDate(containing: service.clock.now()) : nil
        )
        print(report.text(overdueOnly: overdue))
    }
}
