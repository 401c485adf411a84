import Foundation
import IncidentKit
import Messaging

/// An incident with the channel it lives in.
package struct CataloguedIncident: Sendable, Equatable {
    package var channel: ChannelRef
    package var incident: Incident
    /// The names people go by in that channel.
    package var names = PeopleNames()
}

extension IncidentService {
    /// Every incident of every loaded channel, oldest declaration first.
    package func incidentCatalog() async -> [CataloguedIncident] {
        var all: [CataloguedIncident] = []
        for channel in channels {
            let state = await state(of: channel)
            all += state.order.compactMap { state.incidents[$0] }.map { CataloguedIncident(channel: channel, incident: $0, names: state.people) }
        }
        return all.sorted { ($0.incident.declaredAt, $0.incident.id.description) < ($1.incident.declaredAt, $1.incident.id.description) }
    }
}
