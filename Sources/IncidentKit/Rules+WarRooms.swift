import Foundation

/// War rooms: a declaration of a severity that gets a channel of its own runs there. The channel where it was
/// declared records the request and, once the platform answers, the link; the new channel's first transaction
/// declares the incident with the id reserved for it.
extension Rules {
    /// The incident is declared here: its first events and its automatic page.
    mutating func declare(_ id: IncidentID, severity: Severity, title: String, impact: String?, systems: [String]) {
        emit(.declared(title: title, severity: severity, impact: impact, systems: systems), for: id)
        if configuration.oncall.pageOnDeclare.contains(severity) { pageOrHold(for: id, severity: severity) }
    }

    /// How long a declaration with the same title counts as the same incident declared again.
    static let repeatWindow: TimeInterval = 3600

    /// Asks for the war room. A declaration repeated here within the hour (same title) is refused and pointed to
    /// the first one, so two people declaring the same outage do not open two channels.
    mutating func requestWarRoom(_ request: WarRoomRequest) throws(CommandError) {
        let key = Self.normalized(request.title)
        if let earlier = state.warRooms.last(where: {
            Self.normalized($0.request.title) == key && context.now.timeIntervalSince($0.requestedAt) < Self.repeatWindow
        }) {
            let room = earlier.name.map { "runs in #\($0)" } ?? "is getting its channel #\(earlier.request.name)"
            throw CommandError(
                "\(earlier.request.incident) (\(earlier.request.severity), \"\(earlier.request.title)\") was declared here at \(UTC.minute(earlier.requestedAt)) and \(room); join it there, or declare with another title if this is a different incident."
            )
        }
        emit(.warRoomRequested(request: request), for: request.incident)
    }

    /// The platform's answer: the link to the war room, or (refused) the incident declared here after all.
    mutating func record(_ answer: WarRoomAnswer) throws(CommandError) {
        let request = answer.request
        guard let link = state.warRooms.last(where: { $0.request.incident == request.incident }) else {
            throw CommandError("No war room was requested here for \(request.incident).")
        }
        switch answer.result {
        case .opened(let channel, let name):
            guard link.channel == nil else { throw CommandError("The war room of \(request.incident) is already open.") }
            emit(.warRoomOpened(channel: channel, name: name), for: request.incident)
        case .refused(let reason):
            guard link.channel == nil, state.incidents[request.incident] == nil else {
                throw CommandError("\(request.incident) already runs somewhere.")
            }
            emit(.warRoomRefused(reason: String(reason.prefix(300))), for: request.incident)
            // One active incident a channel: with another still active here, the refusal is what the channel sees.
            guard state.activeIncident == nil else { return }
            declare(request.incident, severity: request.severity, title: request.title, impact: request.impact, systems: request.systems)
        }
    }

    /// The war room's first transaction: the incident, declared by whoever asked for it, with the id reserved then.
    mutating func declare(_ request: WarRoomRequest, inWarRoomFrom requestedIn: ChannelRef, name: String) throws(CommandError) {
        guard state.incidents[request.incident] == nil else { throw CommandError("\(request.incident) already runs here.") }
        declare(request.incident, severity: request.severity, title: request.title, impact: request.impact, systems: request.systems)
        emit(.warRoomLinked(requestedIn: requestedIn, name: name), for: request.incident)
    }

    static func normalized(_ title: String) -> String {
        title.lowercased().split(whereSeparator: { !$0.isLetter && !$0.isNumber }).joined(separator: " ")
    }
}
