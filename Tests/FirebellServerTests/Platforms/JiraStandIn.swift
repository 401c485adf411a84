import Foundation
import HTTPTypes
import Hummingbird
import NIOCore

/// A loopback stand-in for Jira Cloud's REST v3 as Firebell uses it: create an issue, search by JQL label, edit the
/// description, list and perform transitions. It checks basic auth, the JSON body's shape (project key, issue type
/// name, a summary, an Atlassian document, labels, due date) and answers as Atlassian documents, with faults injected
/// into the next creates.
actor JiraStandIn {
    struct Issue: Sendable {
        var key: String
        var summary: String
        var descriptionText: String
        var labels: [String]
        var duedate: String?
        var issueType: String
        var status = "To Do"
    }

    static let email = "bot@acme.example"
    static let token = "jira-test-token"
    static let project = "OPS"

    private(set) var issues: [Issue] = []
    private(set) var calls: [(method: String, path: String)] = []
    private var faults: [GitHubStandIn.Fault]
    private var onCreate: (@Sendable () -> Void)?

    init(faults: [GitHubStandIn.Fault] = []) { self.faults = faults }

    func onCreate(_ action: @escaping @Sendable () -> Void) { onCreate = action }

    func handle(_ request: Request, body: ByteBuffer) -> (HTTPResponse.Status, String)? {
        let method = request.method.rawValue
        let path = request.uri.path
        calls.append((method, path))
        let basic = "Basic " + Data("\(Self.email):\(Self.token)".utf8).base64EncodedString()
        guard request.headers[.authorization] == basic else {
            return (
                .unauthorized, #"{"errorMessages":["You are not authenticated. Authentication required to perform this operation."],"errors":{}}"#
            )
        }
        if method == "POST", path == "/rest/api/3/issue", let fault = faults.first {
            faults.removeFirst()
            switch fault {
            case .answer(let status, _, let message): return (status, #"{"errorMessages":["\#(message)"],"errors":{}}"#)
            case .processThenHang:
                _ = create(body)
                return nil
            }
        }
        let data = Data(body.readableBytesView)
        let object = (try? JSONSerialization.jsonObject(with: data)) as? [String: Any] ?? [:]
        switch (method, path) {
        case ("POST", "/rest/api/3/issue"):
            guard let issue = create(body) else {
                return (.badRequest, #"{"errorMessages":[],"errors":{"summary":"You must specify a summary of the issue."}}"#)
            }
            return (.created, #"{"id":"1000\#(issues.count)","key":"\#(issue.key)","self":"http://127.0.0.1/rest/api/3/issue/1000\#(issues.count)"}"#)
        case ("GET", "/rest/api/3/search/jql"):
            let jql = request.uri.queryParameters["jql"].map(String.init) ?? ""
            guard jql.hasPrefix("labels = \""), jql.hasSuffix("\"") else { return (.badRequest, #"{"errorMessages":["bad JQL"]}"#) }
            let label = String(jql.dropFirst(10).dropLast())
            let found = issues.filter { $0.labels.contains(label) }.map { #"{"key":"\#($0.key)"}"# }
            return (.ok, #"{"issues":[\#(found.joined(separator: ","))]}"#)
        default:
            break
        }
        let parts = path.split(separator: "/").map(String.init)  // rest api 3 issue KEY [transitions]
        guard parts.count >= 5, parts[0] == "rest", parts[3] == "issue", let index = issues.firstIndex(where: { $0.key == parts[4] }) else {
            return (.notFound, #"{"errorMessages":["Issue does not exist or you do not have permission to see it."],"errors":{}}"#)
        }
        switch (method, parts.count) {
        case ("PUT", 5):
            let fields = object["fields"] as? [String: Any] ?? [:]
            guard let description = fields["description"] as? [String: Any], description["type"] as? String == "doc" else {
                return (.badRequest, #"{"errorMessages":[],"errors":{"description":"Operation value must be an Atlassian Document"}}"#)
            }
            issues[index].descriptionText = Self.text(of: description)
            return (.noContent, "")
        case ("GET", 6) where parts[5] == "transitions":
            let available =
                issues[index].status == "Done" ? "[]" : #"[{"id":"11","name":"To Do"},{"id":"21","name":"In Progress"},{"id":"31","name":"Done"}]"#
            return (.ok, #"{"transitions":\#(available)}"#)
        case ("POST", 6) where parts[5] == "transitions":
            guard (object["transition"] as? [String: Any])?["id"] as? String == "31" else {
                return (.badRequest, #"{"errorMessages":["Transition id is not valid for this issue."],"errors":{}}"#)
            }
            issues[index].status = "Done"
            return (.noContent, "")
        default:
            return (.notFound, #"{"errorMessages":["not found"]}"#)
        }
    }

    private func create(_ body: ByteBuffer) -> Issue? {
        let object = (try? JSONSerialization.jsonObject(with: Data(body.readableBytesView))) as? [String: Any] ?? [:]
        guard let fields = object["fields"] as? [String: Any], (fields["project"] as? [String: Any])?["key"] as? String == Self.project,
            let type = (fields["issuetype"] as? [String: Any])?["name"] as? String, let summary = fields["summary"] as? String,
            !summary.isEmpty, let description = fields["description"] as? [String: Any], description["type"] as? String == "doc",
            description["version"] as? Int == 1
        else { return nil }
        let issue = Issue(
            key: "\(Self.project)-\(issues.count + 1)",
            summary: summary,
            descriptionText: Self.text(of: description),
            labels: fields["labels"] as? [String] ?? [],
            duedate: fields["duedate"] as? String,
            issueType: type
        )
        issues.append(issue)
        onCreate?()
        return issue
    }

    /// The text of an Atlassian document, one line per paragraph.
    static func text(of document: [String: Any]) -> String {
        let paragraphs = document["content"] as? [[String: Any]] ?? []
        return paragraphs.map { paragraph in
            (paragraph["content"] as? [[String: Any]] ?? []).compactMap { $0["text"] as? String }.joined()
        }.joined(separator: "\n")
    }

    nonisolated func makeApplication() -> some ApplicationProtocol {
        let router = Router()
        for method in [HTTPRequest.Method.get, .post, .put] {
            router.on("**", method: method) { request, _ in
                let body = try await request.body.collect(upTo: 1 << 20)
                guard let (status, json) = await self.handle(request, body: body) else {
                    try await Task.sleep(for: .seconds(3))
                    return Response(status: .gatewayTimeout)
                }
                var headers: HTTPFields = [.contentType: "application/json"]
                // Jira's rate limiting answers 429 with Retry-After (seconds).
                if status == .tooManyRequests { headers[.retryAfter] = "1" }
                return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(string: json)))
            }
        }
        return Application(router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0)))
    }
}
