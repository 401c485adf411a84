import AsyncHTTPClient
import Crypto
import Foundation
import IncidentKit
import NIOCore
import NIOHTTP1

/// Action items as Linear issues (GraphQL, a personal API key in `Authorization` without `Bearer`): `issueCreate` in
/// the team with the item's title, description (Markdown) and due date; `issueUpdate` with the team's first
/// `completed` workflow state when the item is done, and with the new description when its owner changes.
///
/// Linear takes a client-chosen issue id, so each create carries one derived from the effect's key: after an
/// ambiguous failure or a restart, `issue(id:)` finds the issue an earlier attempt made.
package struct LinearIssues: ChatDelivery {
    private let url: String
    private let teamID: String
    private let json: JSONClient

    package init(url: String = "https://api.linear.app/graphql", apiKey: String, teamID: String, client: HTTPClient, timeout: TimeAmount) {
        self.url = url
        self.teamID = teamID
        json = JSONClient(client: client, timeout: timeout, headers: [("Authorization", apiKey), ("User-Agent", "Firebell")])
    }

    struct Request<Variables: Encodable>: Encodable {
        var query: String
        var variables: Variables
    }

    struct CreateInput: Encodable {
        var id: String
        var teamId: String
        var title: String
        var description: String
        var dueDate: String?
    }

    struct UpdateInput: Encodable {
        var description: String?
        var stateId: String?
    }

    struct Create: Encodable { var input: CreateInput }
    struct Update: Encodable {
        var id: String
        var input: UpdateInput
    }
    struct ByID: Encodable { var id: String }

    struct Answer<Payload: Decodable>: Decodable {
        struct Failure: Decodable {
            struct Extensions: Decodable { var code: String? }
            var message: String
            var extensions: Extensions?
        }
        var data: Payload?
        var errors: [Failure]?
    }

    struct IssueNode: Decodable {
        var identifier: String
        var url: String
    }

    struct Created: Decodable {
        struct Payload: Decodable {
            var success: Bool
            var issue: IssueNode?
        }
        var issueCreate: Payload?
    }

    struct Found: Decodable { var issue: IssueNode? }

    struct States: Decodable {
        struct Team: Decodable {
            struct Connection: Decodable {
                struct State: Decodable {
                    var id: String
                    var type: String
                }
                var nodes: [State]
            }
            var states: Connection
        }
        var team: Team?
    }

    struct Updated: Decodable {
        struct Payload: Decodable { var success: Bool }
        var issueUpdate: Payload?
    }

    static let createMutation =
        "mutation IssueCreate($input: IssueCreateInput!) { issueCreate(input: $input) { success issue { identifier url } } }"
    static let updateMutation = "mutation IssueUpdate($id: String!, $input: IssueUpdateInput!) { issueUpdate(id: $id, input: $input) { success } }"
    static let issueQuery = "query Issue($id: String!) { issue(id: $id) { identifier url } }"
    static let statesQuery = "query TeamStates($id: String!) { team(id: $id) { states { nodes { id type } } } }"

    /// A UUID (version 4 layout) derived from the effect's key: the same for every attempt, across restarts.
    static func issueID(for key: String) -> String {
        var bytes = Array(SHA256.hash(data: Data("firebell-linear:\(key)".utf8)).prefix(16))
        bytes[6] = (bytes[6] & 0x0F) | 0x40
        bytes[8] = (bytes[8] & 0x3F) | 0x80
        let hex = bytes.map { String(format: "%02x", $0) }.joined()
        let parts = [0..<8, 8..<12, 12..<16, 16..<20, 20..<32].map { range in
            String(hex[hex.index(hex.startIndex, offsetBy: range.lowerBound)..<hex.index(hex.startIndex, offsetBy: range.upperBound)])
        }
        return parts.joined(separator: "-")
    }

    package func deliver(_ message: OutboundMessage) async -> DeliveryResult {
        guard case .tracker(let issue) = message.kind, !issue.title.isEmpty else { return .permanent("no such action item") }
        do {
            switch issue.action {
            case .create:
                if let link = issue.link { return .delivered(reference: TrackerIssue.reference(link)) }
                let id = Self.issueID(for: message.key)
                if message.mayHaveBeenSent {
                    let (found, failure) = try await send(Self.issueQuery, ByID(id: id), as: Found.self)
                    if let node = found?.issue { return .delivered(reference: reference(node)) }
                    // "Entity not found" is the answer for an issue never made; anything else is the answer.
                    if let failure, !Self.isNotFound(failure) { return failure }
                }
                let input = CreateInput(id: id, teamId: teamID, title: issue.title, description: issue.description, dueDate: issue.due?.description)
                let (created, failure) = try await send(Self.createMutation, Create(input: input), as: Created.self)
                if let failure { return failure }
                guard let node = created?.issueCreate?.issue, created?.issueCreate?.success == true else {
                    return .transient("Linear answered without the issue")
                }
                return .delivered(reference: reference(node))
            case .update, .close:
                guard let key = issue.link?.key else {
                    return .permanent("the item's issue was never created, so there is nothing to \(issue.action.rawValue)")
                }
                var input = UpdateInput(description: issue.description)
                if issue.action == .close {
                    let (states, failure) = try await send(Self.statesQuery, ByID(id: teamID), as: States.self)
                    if let failure { return failure }
                    guard let done = states?.team?.states.nodes.first(where: { $0.type == "completed" }) else {
                        return .permanent("the Linear team has no completed workflow state")
                    }
                    input = UpdateInput(stateId: done.id)
                }
                let (updated, failure) = try await send(Self.updateMutation, Update(id: key, input: input), as: Updated.self)
                if let failure { return failure }
                return updated?.issueUpdate?.success == true ? .delivered(reference: nil) : .permanent("Linear did not update \(key)")
            }
        } catch {
            return .transient("\(error)")
        }
    }

    private func reference(_ node: IssueNode) -> String { TrackerIssue.reference(TrackerLink(key: node.identifier, url: node.url)) }

    /// Sends one GraphQL request: the data, or how delivery should take the failure. GraphQL errors come with HTTP 200
    /// as often as not, so `errors[]` is read whatever the status: `RATELIMITED` waits, the rest is refused for good.
    private func send<Variables: Encodable, Payload: Decodable>(
        _ query: String,
        _ variables: Variables,
        as type: Payload.Type
    ) async throws -> (Payload?, DeliveryResult?) {
        let answer = try await json.send(.POST, url, Request(query: query, variables: variables))
        let decoded = answer.decoded(Answer<Payload>.self)
        if answer.status == 429 || decoded?.errors?.contains(where: { $0.extensions?.code == "RATELIMITED" }) == true {
            return (nil, .retryAfter(answer.headers.first(name: "Retry-After").flatMap(TimeInterval.init) ?? 60))
        }
        if answer.status >= 500 { return (nil, .transient("Linear answered \(answer.status)")) }
        if let errors = decoded?.errors, !errors.isEmpty {
            return (decoded?.data, .permanent("Linear answered \(answer.status): \(errors.map(\.message).joined(separator: "; "))"))
        }
        guard answer.status == 200, let data = decoded?.data else {
            return (nil, .permanent("Linear answered \(answer.status): \(String(decoding: answer.body.prefix(200), as: UTF8.self))"))
        }
        return (data, nil)
    }

    private static func isNotFound(_ result: DeliveryResult) -> Bool {
        if case .permanent(let reason) = result { return reason.localizedCaseInsensitiveContains("not found") }
        return false
    }
}
