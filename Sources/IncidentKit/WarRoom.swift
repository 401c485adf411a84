import Foundation

/// Which declarations get a channel of their own (a war room): the severities (`war_room.severities`, by default
/// SEV1 and SEV2), on the platforms that can create channels; how the channel is named; and how long after
/// resolution it is archived (nil: never).
package struct WarRoomPolicy: Sendable, Equatable {
    package var severities: Set<Severity> = [.sev1, .sev2]
    /// Names start with it: `inc-2026-0042-checkout-down`.
    package var prefix = "inc"
    package var archiveAfter: TimeSpan? = .days(7)
    /// Platforms whose capabilities include creating channels (the shell fills it in).
    package var platforms: Set<PlatformID> = []

    package init() {}

    /// Whether a declaration of `severity` in `channel` opens a war room.
    package func applies(to severity: Severity, in channel: ChannelRef?) -> Bool {
        guard let channel else { return false }
        return severities.contains(severity) && platforms.contains(channel.platform)
    }

    /// Whether the severity would have a war room on a platform that can create channels.
    package func wanted(for severity: Severity) -> Bool { severities.contains(severity) }

    /// Said in the answer when a declaration would have had a war room but this platform cannot create channels.
    package func hint<C: Collection>(for records: C, in channel: ChannelRef) -> String? where C.Element == EventRecord {
        guard !platforms.contains(channel.platform),
            let record = records.first(where: { if case .declared(_, let severity, _, _) = $0.event { wanted(for: severity) } else { false } }),
            let id = record.incident
        else { return nil }
        return "Firebell cannot create channels on this platform, so \(id) runs here."
    }

    /// The longest name: Mattermost's limit (Slack allows 80, Discord threads 100, Matrix aliases more).
    package static let maxNameLength = 64

    /// `<prefix>-2026-0042-<title in lower-case letters, digits and hyphens>`, within every platform's naming rules.
    package func name(for id: IncidentID, title: String) -> String {
        let head = Self.slug(prefix + "-" + id.description.drop { !$0.isNumber })
        var words = Self.slug(title.folding(options: [.diacriticInsensitive, .caseInsensitive], locale: nil))
        let room = Self.maxNameLength - head.count - 1
        if words.count > room { words = String(words.prefix(room)) }
        while words.hasSuffix("-") { words.removeLast() }
        return words.isEmpty ? head : head + "-" + words
    }

    /// The `n`-th name for a clash: `name-2`, `name-3`, … still within the limit.
    package static func suffixed(_ name: String, _ n: Int) -> String {
        let suffix = "-\(n)"
        var base = String(name.prefix(maxNameLength - suffix.count))
        while base.hasSuffix("-") { base.removeLast() }
        return base + suffix
    }

    /// Lower-case ASCII letters and digits; every run of anything else is one hyphen.
    package static func slug(_ text: String) -> String {
        var result = ""
        for scalar in text.lowercased().unicodeScalars {
            if scalar.isASCII, scalar.properties.isAlphabetic || ("0"..."9").contains(Character(scalar)) {
                result.unicodeScalars.append(scalar)
            } else if !result.isEmpty, !result.hasSuffix("-") {
                result += "-"
            }
        }
        while result.hasSuffix("-") { result.removeLast() }
        return result
    }
}

/// A declaration that is to run in a war room: everything the new channel's first transaction declares.
package struct WarRoomRequest: Sendable, Equatable, Codable {
    package var incident: IncidentID
    package var severity: Severity
    package var title: String
    package var impact: String?
    package var systems: [String]
    package var declaredBy: UserRef
    /// The name asked for (a clash gets a suffix).
    package var name: String

    package init(incident: IncidentID, severity: Severity, title: String, impact: String?, systems: [String], declaredBy: UserRef, name: String) {
        self.incident = incident
        self.severity = severity
        self.title = title
        self.impact = impact
        self.systems = systems
        self.declaredBy = declaredBy
        self.name = name
    }
}

/// What the platform answered to a war room's creation, recorded in the channel where it was declared.
package struct WarRoomAnswer: Sendable, Equatable {
    package enum Result: Sendable, Equatable {
        /// The channel exists (created now, or found from an earlier attempt), with the name it got.
        case opened(ChannelRef, name: String)
        /// The platform refused for good (a missing scope): the incident runs where it was declared.
        case refused(String)
    }

    package var request: WarRoomRequest
    package var result: Result

    package init(request: WarRoomRequest, result: Result) {
        self.request = request
        self.result = result
    }
}

/// A war room declared from this channel, as the channel remembers it.
package struct WarRoomLink: Sendable, Equatable, Codable {
    package var request: WarRoomRequest
    package var requestedAt: Date
    /// The channel, once created.
    package var channel: ChannelRef?
    package var name: String?
}

/// What an incident running in a war room knows about it.
package struct WarRoomInfo: Sendable, Equatable, Codable {
    /// Where it was declared (where the link was posted).
    package var requestedIn: ChannelRef
    package var name: String
    package var archived = false

    package init(requestedIn: ChannelRef, name: String, archived: Bool = false) {
        self.requestedIn = requestedIn
        self.name = name
        self.archived = archived
    }
}

/// What Firebell asks a platform to do with a war room.
package enum WarRoomAction: Sendable, Equatable {
    /// Create the channel (idempotently: an earlier attempt's channel is found, a clash gets a suffix).
    case create(WarRoomRequest)
    /// Bring these people in.
    case invite([UserRef])
    /// Set the topic to the incident as it is now (severity, status, IC).
    case setTopic
    /// Archive the channel.
    case archive
}
