import ArgumentParser
import FirebellServer
import Foundation
import IncidentKit
import Messaging

/// `firebell postmortem INC-…`: print the postmortem draft of a resolved incident.
struct PostmortemCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "postmortem", abstract: "Print a blameless postmortem draft (Markdown).")

    @Argument(help: "Incident id, e.g. INC-2026-0001.")
    var id: String

    @OptionGroup var options: DataOptions

    func run() async throws {
        guard let incidentID = IncidentID(parsing: id) else { throw ValidationError("'\(id)' is not an incident id; write INC-YYYY-NNNN.") }
        let configuration = try options.loadConfiguration()
        let service = try await IncidentService.opening(configuration, logger: ConsoleLogging.logger())
        let catalog = await service.incidentCatalog()
        guard let found = catalog.first(where: { $0.incident.id == incidentID }) else {
            throw UserFacingFailure(description: "No incident \(incidentID) in \(service.store.location).")
        }
        let incident = found.incident
        guard !incident.isActive else { throw UserFacingFailure(description: "\(incidentID) is still active; resolve it first.") }
        let titles = Dictionary(catalog.map { ($0.incident.id, $0.incident.title) }, uniquingKeysWith: { first, _ in first })
        let records = try await service.records(of: found.channel)
        print(PostmortemWriter(configuration: configuration.engine).markdown(incident, records: records, relatedTitles: titles, names: found.names))
    }
}
