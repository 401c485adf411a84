/// The configuration effects are planned with: who the audiences of each severity are, which platforms can message
/// a person directly, whether PagerDuty is used, where stakeholder posts go, and what each role's holder is told.
package struct EffectPolicy: Sendable, Equatable {
    /// Stakeholder channels by severity (from the severity table's audiences and the channels configured for them).
    package var audiences: [Severity: [ChannelRef]]
    /// Platforms on which the bot can message a person by their id (those whose capabilities say so).
    package var directMessagePlatforms: Set<PlatformID>
    /// Whether pages, acknowledgements and resolutions become PagerDuty events.
    package var pagerDuty: Bool
    /// Whether action items are created, updated and closed as issues in the team's tracker.
    package var tracker: Bool
    /// Whether Status Updates, holding posts and the Resolution are replies in the incident's thread instead of new
    /// channel messages. Reminders always go to the thread.
    package var stakeholderPostsInThread: Bool
    /// The checklist each role's new holder receives.
    package var briefings: RoleBriefings

    package init(
        audiences: [Severity: [ChannelRef]] = [:],
        directMessagePlatforms: Set<PlatformID> = [],
        pagerDuty: Bool = false,
        tracker: Bool = false,
        stakeholderPostsInThread: Bool = false,
        briefings: RoleBriefings = .standard
    ) {
        self.audiences = audiences
        self.directMessagePlatforms = directMessagePlatforms
        self.pagerDuty = pagerDuty
        self.tracker = tracker
        self.stakeholderPostsInThread = stakeholderPostsInThread
        self.briefings = briefings
    }

    /// Builds the audience table from the severity table's audience names and the channels configured for each name.
    package init(
        severities: SeverityPolicyTable,
        channels: [String: [ChannelRef]],
        directMessagePlatforms: Set<PlatformID> = [],
        pagerDuty: Bool = false,
        tracker: Bool = false,
        stakeholderPostsInThread: Bool = false,
        briefings: RoleBriefings = .standard
    ) {
        var bySeverity: [Severity: [ChannelRef]] = [:]
        for severity in Severity.allCases {
            var list: [ChannelRef] = []
            for name in severities[severity].audiences {
                for channel in channels[name] ?? [] where !list.contains(channel) { list.append(channel) }
            }
            bySeverity[severity] = list
        }
        self.init(
            audiences: bySeverity,
            directMessagePlatforms: directMessagePlatforms,
            pagerDuty: pagerDuty,
            tracker: tracker,
            stakeholderPostsInThread: stakeholderPostsInThread,
            briefings: briefings
        )
    }

    /// The audience channels of `incident` (none for a private one), never the incident's own channel.
    package func audienceChannels(for incident: Incident?, excluding own: ChannelRef) -> [ChannelRef] {
        guard let incident, !incident.isPrivate else { return [] }
        return (audiences[incident.severity] ?? []).filter { $0 != own }
    }
}
