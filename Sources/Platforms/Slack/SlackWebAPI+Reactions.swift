import Foundation

extension SlackWebAPI {
    /// The message a reaction was added to, with its current reactions: `reactions.get` returns top-level messages
    /// and thread replies alike (and, unlike `conversations.history`, is not capped for distributed apps).
    func reactedMessage(channel: String, ts: String) async -> Result<SlackReactedMessage.Message, LookupFailure> {
        switch await read(SlackReactedMessage.self, "reactions.get", ["channel": channel, "timestamp": ts, "full": "true"]) {
        case .failure(let failure):
            return .failure(failure)
        case .success(let answer):
            guard answer.ok, let message = answer.message else { return .failure(LookupFailure(description: answer.error ?? "no message")) }
            return .success(message)
        }
    }
}
