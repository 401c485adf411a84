import Synchronization

/// The names Teams gives people (`from.name`, mention entities), learned from authenticated activities, so a
/// mention is written `<at>Carol Smith</at>` with an entity for `29:…`, as Teams shows it.
final class TeamsPeople: Sendable {
    private let names = Mutex<[String: String]>([:])

    func learn(_ activity: TeamsActivity) {
        var learned: [(String, String)] = []
        if let from = activity.from, let name = from.name { learned.append((from.id, name)) }
        for entity in activity.entities ?? [] {
            if let mentioned = entity.mentioned, let name = mentioned.name { learned.append((mentioned.id, name)) }
        }
        guard !learned.isEmpty else { return }
        names.withLock { names in for (id, name) in learned { names[id] = name } }
    }

    func name(of id: String) -> String? { names.withLock { $0[id] } }
}
