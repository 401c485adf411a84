import Foundation
import HTTPTypes
import Hummingbird
import Logging
import NIOCore
import Platforms

/// `POST /discord/interactions`: the Ed25519 signature is checked before the body is parsed (401 otherwise);
/// PING gets PONG; `/incident …` runs and is answered inline, or deferred and followed up when it takes long.
struct DiscordRoutes: Sendable {
    let service: IncidentService
    let verifier: DiscordVerifier
    let api: DiscordAPI
    let logger: Logger
    /// How long to wait before answering "thinking…" and following up (Discord allows 3 s for the first answer).
    var deferAfter: Duration = .milliseconds(2000)

    static let maxBodyBytes = 64 * 1024

    func register(on router: Router<BasicRequestContext>) {
        router.post("/discord/interactions") { request, _ in try await interaction(request) }
    }

    func interaction(_ request: Request) async throws -> Response {
        let body = Data(try await request.body.collect(upTo: Self.maxBodyBytes).readableBytesView)
        guard
            verifier.isValid(
                body: body,
                timestamp: request.headers[.discordTimestamp],
                signature: request.headers[.discordSignature],
                now: service.clock.now()
            )
        else {
            logger.warning("rejected a Discord interaction: invalid request signature")
            return .text("invalid request signature", status: .unauthorized)
        }
        guard let interaction = DiscordInteraction(json: body) else { return .text("not a Discord interaction", status: .badRequest) }
        switch interaction.kind {
        case .ping:
            return .json(DiscordInteraction.pong)
        case .other:
            return .json(DiscordInteraction.reply("Firebell only answers /incident commands."))
        case .command:
            guard let inbound = interaction.inbound else { return .json(DiscordInteraction.reply("Run /incident in a channel.")) }
            let work = Task { [service] in await service.transact(.command(inbound)).text }
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

extension HTTPField.Name {
    static let discordSignature = HTTPField.Name("X-Signature-Ed25519")!
    static let discordTimestamp = HTTPField.Name("X-Signature-Timestamp")!
}
