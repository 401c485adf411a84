import AsyncHTTPClient
import Foundation
import IncidentKit
import NIOCore
import NIOHTTP1

/// Action items as Jira Cloud issues (REST v3, basic auth with an account's e-mail and API token): created in the
/// project with the configured issue type, the item's due date, the labels `incident` and the incident id, and a
/// description in Atlassian Document Format; moved through the transition named `Done` (configurable) when the item
/// is done; the description rewritten when its owner changes.
///
/// Jira has no idempotency key, so each issue also carries a label with the effect's key; after an ambiguous failure
/// or a restart a JQL search for that label comes before creating again.
package struct JiraIssues: ChatDelivery {
    package struct Settings: Sendable, Equatable {
        package var url: String
        package var email: String
        package var apiToken: String
        package var project: String
        package var issueType = "Task"
        package var doneTransition = "Done"

        package init(url: String, email: String, apiToken: String, project: String) {
            self.url = url.hasSuffix("/") ? String(url.dropLast()) : url
            self.email = email
            self.apiToken = apiToken
            self.project = project
        }
    }

    private let settings: Settings
    private let json: JSONClient

    package init(settings: Settings, client: HTTPClient, timeout: TimeAmount) {
        self.settings = settings
        let basic = Data("\(settings.email):\(settings.apiToken)".utf8).base64EncodedString()
        json = JSONClient(
            client: client,
            timeout: timeout,
            headers: [("Accept", "application/json"), ("Authorization", "Basic \(basic)"), ("User-Agent", "Firebell")]
        )
    }

    /// Atlassian Document Format: one paragraph per line of text.
    struct Document: Encodable, Equatable {
        struct Node: Encodable, Equatable {
            var type: String
            var text: String?
            var content: [Node]?
        }

        var type = "doc"
        var version = 1
        var content: [Node]

        init(_ text: String) {
            content = text.split(separator: "\n").map { line in
                Node(type: "paragraph", content: [Node(type: "text", text: String(line))])
            }
        }
    }

    struct Fields: Encodable {
        struct Key: Encodable { var key: String }
        struct Name: Encodable { var name: String }

        var project: Key?
        var issuetype: Name?
        var summary: String?
        var description: Document
        var duedate: String?
        var labels: [String]?
    }

    struct IssueBody: Encodable { var fields: Fields }

    struct Created: Decodable { var key: String }
    struct Found: Decodable { var issues: [Created] }

    struct Transitions: Decodable {
        struct Transition: Decodable {
            var id: String
            var name: String
        }
        var transitions: [Transition]
    }

    struct Transition: Encodable {
        struct ID: Encodable { var id: String }
        var transition: ID
    }

    /// The label that marks the issue made for one effect (Jira labels hold no spaces).
    static func label(_ key: String) -> String { "firebell-\(key)" }

    package func deliver(_ message: OutboundMessage) async -> DeliveryResult {
        guard case .tracker(let issue) = message.kind, !issue.title.isEmpty else { return .permanent("no such action item") }
        let api = "\(settings.url)/rest/api/3"
        do {
            switch issue.action {
            case .create:
                if let link = issue.link { return .delivered(reference: TrackerIssue.reference(link)) }
                let label = Self.label(message.key)
                if message.mayHaveBeenSent {
                    let jql = "labels = \"\(label)\"".addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? ""
                    let search = try await json.send(.GET, "\(api)/search/jql?jql=\(jql)&fields=key&maxResults=1")
                    guard search.status == 200 else { return classify(search) }
                    if let found = search.decoded(Found.self)?.issues.first { return .delivered(reference: reference(found.key)) }
                }
                let fields = Fields(
                    project: .init(key: settings.project),
                    issuetype: .init(name: settings.issueType),
                    summary: issue.title,
                    description: Document(issue.description),
                    duedate: issue.due?.description,
                    labels: issue.labels + [label]
                )
                let answer = try await json.send(.POST, "\(api)/issue", IssueBody(fields: fields))
                guard answer.status == 201 else { return classify(answer) }
                guard let created = answer.decoded(Created.self) else { return .transient("Jira answered 201 without an issue key") }
                return .delivered(reference: reference(created.key))
            case .update:
                guard let key = issue.link?.key else { return .permanent("the item's issue was never created, so there is nothing to update") }
                let fields = Fields(description: Document(issue.description), duedate: issue.due?.description)
                return classify(try await json.send(.PUT, "\(api)/issue/\(key)", IssueBody(fields: fields)))
            case .close:
                guard let key = issue.link?.key else { return .permanent("the item's issue was never created, so there is nothing to close") }
                let listed = try await json.send(.GET, "\(api)/issue/\(key)/transitions")
                guard listed.status == 200 else { return classify(listed) }
                let wanted = settings.doneTransition
                guard
                    let done = listed.decoded(Transitions.self)?.transitions.first(where: { $0.name.caseInsensitiveCompare(wanted) == .orderedSame })
                else {
                    // Already done (no transition left by that name), or the workflow names it otherwise.
                    return .permanent("\(key) has no transition named '\(wanted)' now (set JIRA_DONE_TRANSITION)")
                }
                return classify(try await json.send(.POST, "\(api)/issue/\(key)/transitions", Transition(transition: .init(id: done.id))))
            }
        } catch {
            return .transient("\(error)")
        }
    }

    private func reference(_ key: String) -> String { TrackerIssue.reference(TrackerLink(key: key, url: "\(settings.url)/browse/\(key)")) }

    /// Jira's answers: 2xx done; 429 wait (`Retry-After`); 5xx retry; other 4xx refused for good, with Jira's
    /// `errorMessages` and field `errors`.
    private func classify(_ answer: JSONClient.Answer) -> DeliveryResult {
        switch answer.status {
        case 200..<300: return .delivered(reference: nil)
        case 429: return .retryAfter(answer.headers.first(name: "Retry-After").flatMap(TimeInterval.init) ?? 30)
        case 500...: return .transient("Jira answered \(answer.status)")
        default:
            let error = answer.decoded(JiraError.self)
            let reasons = (error?.errorMessages ?? []) + (error?.errors ?? [:]).sorted { $0.key < $1.key }.map { "\($0.key): \($0.value)" }
            let reason = reasons.isEmpty ? String(decoding: answer.body.prefix(200), as: UTF8.self) : reasons.joined(separator: "; ")
            return .permanent("Jira answered \(answer.status): \(reason)")
        }
    }

    struct JiraError: Decodable {
        var errorMessages: [String]?
        var errors: [String: String]?
    }
}
