/// Firebell's message shortcuts, by their `callback_id` in the app manifest.
package enum SlackMessageShortcut: String, Sendable, Equatable, CaseIterable {
    /// Declares an incident from the message: its first line the title, its text the impact.
    case declareIncident = "firebell_declare"
    /// Puts the message on the channel's incident's timeline (for teams that do not subscribe to reactions).
    case addToTimeline = "firebell_pin"
}
