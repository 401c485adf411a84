import Foundation
import Hummingbird
import Logging

/// `POST /discord/interactions`, behind ``DiscordSignatureMiddleware``: PING gets PONG; `/incident …` runs and is
/// answered inline, or deferred and followed up when it takes long.
struct DiscordRoutes: Sendable {
    let transactions: any ChannelTransactions
    let api: DiscordAPI
    let logger: Logger
    /// How long to wait before answering "thinking…" and following up (Discord allows 3 s for the first answer).
    let deferAfter: Duration

    func collection(behind verification: DiscordSignatureMiddleware) -> RouteCollection<FirebellRequestContext> {
        RouteCollection(context: FirebellRequestContext.self)
            .add(middleware: verification)
            .post("interactions") { request, context in try await interaction(request, context) }
    }

    func interaction(_ request: Request, _ context: FirebellRequestContext) async throws -> Response {
        guard context.verified?.platform == .discord else { throw HTTPError(.unauthorized, message: "unverified request") }
        let body = Data(try await request.body.collect(upTo: VerifiedBody.maxBytes).readableBytesView)
        guard let interaction = DiscordInteraction(json: body) else { return .text("not a Discord interaction", status: .badRequest) }
        switch interaction.kind {
        case .ping:
            return .json(DiscordInteraction.pong)
        case .other:
            return .json(DiscordInteraction.reply("Firebell only answers /incident commands."))
        case .command, .messageCommand:
            guard let input = interaction.input else { return .json(DiscordInteraction.reply("Run /incident in a channel.")) }
            // Checked here so that a bad id is a 400 now, not a deferred answer that never comes.
            try input.validate()
            let work = Task { [transactions] in (try? await transactions.transact(input))?.text ?? "" }
            if let reply = await first(work, within: deferAfter) { return .json(DiscordInteraction.reply(reply)) }
            Task { [api, logger] in
                let result = await api.editOriginalResponse(token: interaction.token, text: await work.value)
                if case .delivered = result { return }
                logger.error("could not follow up a deferred Discord interaction", metadata: ["result": "\(result)"])
            }
            return .json(DiscordInteraction.deferred)
        }
    }

    /// The task's value if it finishes within `limit`, else nil (the task keeps running). A zero limit always defers.
    private func first(_ work: Task<String, Never>, within limit: Duration) async -> String? {
        guard limit > .zero else { return nil }
        return await withTaskGroup(of: String?.self) { group in
            group.addTask { await work.value }
            group.addTask {
                try? await Task.sleep(for: limit)
                return nil
            }
            let winner = await group.next() ?? nil
            group.cancelAll()
            return winner
        }
    }
}
