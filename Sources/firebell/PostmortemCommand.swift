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
        let service = try IncidentService(configuration: try options.loadConfiguration(), logger: ConsoleLogging.logger())
        for channel in service.channels {
            let state = await service.state(of: channel)
            guard let incident = state.incidents[incidentID] else { continue }
            guard !incident.isActive else { throw UserFacingFailure(description: "\(incidentID) is still active; resolve it first.") }
            print(PostmortemWriter.markdown(incident, records: try await service.records(of: channel)))
            return
        }
        throw UserFacingFailure(description: "No incident \(incidentID) in \(service.layout.root.path).")
    }
}
