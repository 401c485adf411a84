import Foundation
import Hummingbird
import IncidentKit

/// `POST /teams/messages`, behind ``TeamsAuthMiddleware``: a message addressed to Firebell runs as a command (its
/// answer comes as a reply in the conversation); a card button (`adaptiveCard/action`) runs the same command and is
/// answered in the HTTP response, as Teams requires. Other activities (installs, members joining) are acknowledged.
struct TeamsRoutes: Sendable {
    let transactions: any ChannelTransactions

    func collection(behind verification: TeamsAuthMiddleware) -> RouteCollection<FirebellRequestContext> {
        RouteCollection(context: FirebellRequestContext.self)
            .add(middleware: verification)
            .post("messages") { request, context in try await activity(request, context) }
    }

    func activity(_ request: Request, _ context: FirebellRequestContext) async throws -> Response {
        guard context.verified?.platform == .teams else { throw HTTPError(.unauthorized, message: "unverified request") }
        let body = try await request.body.collect(upTo: VerifiedBody.maxBytes)
        guard let activity = try? JSONDecoder().decode(TeamsActivity.self, from: Data(body.readableBytesView)) else {
            return .text("not a Bot Framework activity", status: .badRequest)
        }
        switch (activity.type, activity.name) {
        case ("message", _):
            guard let inbound = activity.inbound else { return Response(status: .ok) }
            let answer = try await transactions.transact(.command(inbound, delivery: activity.id, answer: .reply(confirmations: true)))
            return answer.result == .failed ? .text("not saved; deliver it again", status: .internalServerError) : Response(status: .ok)
        case ("invoke", "adaptiveCard/action"):
            return .json(TeamsInvokeAnswer(text: try await press(activity)))
        case ("invoke", "composeExtension/submitAction"):
            return .json(TeamsMessageActionAnswer(text: try await messageAction(activity)))
        default:
            return Response(status: .ok)
        }
    }

    /// Runs a card button as its command; returns the text shown to the person who pressed it.
    private func press(_ activity: TeamsActivity) async throws(InvalidIdentifier) -> String {
        guard let action = activity.value?.action, let incident = action.data.flatMap({ IncidentID(parsing: $0.incident) }),
            let channel = activity.channel, let from = activity.from
        else { return "This button is not from one of Firebell's cards." }
        let command: Command
        switch action.verb {
        case TeamsCard.acknowledge: command = .acknowledge
        case TeamsCard.snooze: command = .snooze(.minutes(30))
        // Cards have no free-text form here: the usage of the command says how to post one.
        case TeamsCard.postUpdate: command = .help(verb: "update")
        default: return "Firebell does not know this button."
        }
        let answer = try await transactions.transact(ChannelInput(.input(.button(command, incident: incident)), in: channel, by: UserRef(from.id)))
        return answer.text.isEmpty ? "Done." : answer.text
    }
}

extension TeamsRoutes {
    /// A message action ("Declare incident" with the severity chosen in its form, "Add to timeline") on the message it
    /// was used on; returns the text shown to whoever used it.
    func messageAction(_ activity: TeamsActivity) async throws(InvalidIdentifier) -> String {
        guard let value = activity.value, let command = value.commandId.flatMap(TeamsMessageAction.init(rawValue:)),
            let payload = value.messagePayload, let channel = activity.channel, let from = activity.from
        else { return "This is not one of Firebell's message actions." }
        let message = ChatMessage(
            id: payload.id,
            author: payload.from?.user.map { UserRef($0.id) },
            text: HTMLText.plain(payload.body?.content ?? ""),
            postedAt: payload.createdDateTime.flatMap(ISOTimestamp.parseRFC3339) ?? Date(timeIntervalSince1970: 0),
            link: payload.linkToMessage
        )
        let input: Input =
            switch command {
            case .declareIncident: .declareFromMessage(message, severity: value.data?["severity"].flatMap(Severity.init(parsing:)))
            case .addToTimeline: .pin(.add(message))
            }
        var channelInput = ChannelInput(.input(input), in: channel, by: UserRef(from.id))
        channelInput.actorName = from.name
        let answer = try await transactions.transact(channelInput)
        return TeamsCard.plainLines(answer.text).joined(separator: "\n")
    }
}

/// Firebell's message actions (a message extension's action commands in the message's ⋯ menu), by command id.
package enum TeamsMessageAction: String, Sendable, CaseIterable {
    case declareIncident
    case addToTimeline
}

/// The HTTP answer to a message action: a message shown to whoever used it.
struct TeamsMessageActionAnswer: Encodable {
    struct Result: Encodable {
        let type = "message"
        var text: String
    }
    var composeExtension: Result

    init(text: String) { composeExtension = Result(text: text) }
}

/// The HTTP answer to an `adaptiveCard/action` invoke: a message shown to the person who pressed the button.
struct TeamsInvokeAnswer: Encodable {
    let statusCode = 200
    let type = "application/vnd.microsoft.activity.message"
    var value: String

    init(text: String) { value = text }
}
