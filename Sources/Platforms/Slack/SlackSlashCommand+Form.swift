extension SlackSlashCommand {
    /// Reads a slash command from its form body as Slack posts it: the one rule for the route and
    /// ``SlackCommandFastPath``.
    init(form bytes: some Collection<UInt8>) throws(SlackFormError) {
        guard String(validating: bytes, as: UTF8.self) != nil else { throw .notUTF8 }
        guard let command = try? SlackRoutes.forms.decode(SlackSlashCommand.self, from: bytes) else { throw .notACommand }
        self = command
    }
}

/// Why a form body is not a slash command.
enum SlackFormError: Error {
    case notUTF8
    /// A field is missing or empty (`command`, `team_id`, `channel_id`, `user_id`), or the form is malformed.
    case notACommand
}
