/// Firebell's message context-menu commands (Discord application commands of type 3, named as people see them).
package enum DiscordMessageCommand: String, Sendable, Equatable, CaseIterable {
    /// Puts the message on the channel's incident's timeline (Discord has no reaction events for bots over HTTP).
    case addToTimeline = "Add to timeline"
    /// Declares an incident from the message: its first line the title, its text the impact.
    case declareIncident = "Declare incident"
}
