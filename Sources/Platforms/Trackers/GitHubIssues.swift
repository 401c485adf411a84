import AsyncHTTPClient
import Foundation
import IncidentKit
import NIOCore
import NIOHTTP1

/// Action items as GitHub issues (REST, `X-GitHub-Api-Version: 2022-11-28`): created with the labels `incident` and
/// the incident id, closed as completed when the item is done, updated when its owner changes.
///
/// GitHub has no idempotency key, so the issue body carries a marker with the effect's key; after an ambiguous
/// failure or a restart the repository's recent `incident` issues are searched for it before creating again.
package struct GitHubIssues: ChatDelivery {
    private let api: String
    private let repository: String
    private let json: JSONClient

    /// - Parameters:
    ///   - apiURL: `https://api.github.com` (or a GitHub Enterprise Server's `https://host/api/v3`).
    ///   - repository: `owner/name`.
    package init(apiURL: String, repository: String, token: String, client: HTTPClient, timeout: TimeAmount) {
        api = apiURL.hasSuffix("/") ? String(apiURL.dropLast()) : apiURL
        self.repository = repository
        json = JSONClient(
            client: client,
            timeout: timeout,
            headers: [
                ("Accept", "application/vnd.github+json"), ("Authorization", "Bearer \(token)"),
                ("X-GitHub-Api-Version", "2022-11-28"), ("User-Agent", "Firebell"),
            ]
        )
    }

    struct NewIssue: Encodable {
        var title: String
        var body: String
        var labels: [String]
    }

    struct IssueChange: Encodable {
        var body: String?
        var state: String?
        var stateReason: String?

        enum CodingKeys: String, CodingKey {
            case body, state
            case stateReason = "state_reason"
        }
    }

    struct Issue: Decodable {
        var number: Int
        var htmlURL: String
        var body: String?

        enum CodingKeys: String, CodingKey {
            case number, body
            case htmlURL = "html_url"
        }

        var link: TrackerLink { TrackerLink(key: "#\(number)", url: htmlURL) }
    }

    package func deliver(_ message: OutboundMessage) async -> DeliveryResult {
        guard case .tracker(let issue) = message.kind, !issue.title.isEmpty else { return .permanent("no such action item") }
        let issues = "\(api)/repos/\(repository)/issues"
        let body = issue.description + "\n\n<!-- \(TrackerIssue.marker(message.key)) -->"
        do {
            switch issue.action {
            case .create:
                if let link = issue.link { return .delivered(reference: TrackerIssue.reference(link)) }
                if message.mayHaveBeenSent {
                    let recent = try await json.send(.GET, "\(issues)?state=all&labels=incident&sort=created&direction=desc&per_page=100")
                    guard recent.status == 200 else { return classify(recent) }
                    let marker = TrackerIssue.marker(message.key)
                    if let found = recent.decoded([Issue].self)?.first(where: { $0.body?.contains(marker) == true }) {
                        return .delivered(reference: TrackerIssue.reference(found.link))
                    }
                }
                let answer = try await json.send(.POST, issues, NewIssue(title: issue.title, body: body, labels: issue.labels))
                guard answer.status == 201 else { return classify(answer) }
                guard let created = answer.decoded(Issue.self) else { return .transient("GitHub answered 201 without an issue") }
                return .delivered(reference: TrackerIssue.reference(created.link))
            case .update, .close:
                guard let link = issue.link, let number = Int(link.key.dropFirst()) else {
                    return .permanent("the item's issue was never created, so there is nothing to \(issue.action.rawValue)")
                }
                let change =
                    issue.action == .close
                    ? IssueChange(state: "closed", stateReason: "completed") : IssueChange(body: body)
                return classify(try await json.send(.PATCH, "\(issues)/\(number)", change))
            }
        } catch {
            return .transient("\(error)")
        }
    }

    /// GitHub's answers: 2xx done; 429, or 403 with `Retry-After` or an exhausted rate limit, wait; 5xx retry;
    /// other 4xx (401 bad token, 404 no such repository, 410 issues disabled, 422 invalid) refused for good.
    private func classify(_ answer: JSONClient.Answer) -> DeliveryResult {
        let retryAfter = answer.headers.first(name: "Retry-After").flatMap(TimeInterval.init)
        let exhausted = answer.headers.first(name: "x-ratelimit-remaining") == "0"
        switch answer.status {
        case 200..<300: return .delivered(reference: nil)
        case 429: return .retryAfter(retryAfter ?? 60)
        case 403 where retryAfter != nil || exhausted: return .retryAfter(retryAfter ?? 60)
        case 500...: return .transient("GitHub answered \(answer.status)")
        default:
            let message = answer.decoded(GitHubError.self)?.message ?? String(decoding: answer.body.prefix(200), as: UTF8.self)
            return .permanent("GitHub answered \(answer.status): \(message)")
        }
    }

    struct GitHubError: Decodable {
        var message: String
    }
}
