import Foundation
import HTTPTypes
import Hummingbird
import NIOCore

/// A loopback stand-in for Linear's GraphQL API as Firebell uses it: `issueCreate` (with a client-chosen id),
/// `issue(id:)`, `team(id:) { states }`, `issueUpdate`. It checks the API key (sent without `Bearer`), the operation
/// and its variables, and answers as Linear does: data, or `errors[]` with HTTP 200 or 400, `RATELIMITED` on 429.
actor LinearStandIn {
    struct Issue: Sendable {
        var id: String
        var identifier: String
        var title: String
        var description: String
        var dueDate: String?
        var stateID = "state-todo"
    }

    static let apiKey = "lin_api_test"
    static let teamID = "team-uuid-1"

    private(set) var issues: [Issue] = []
    private(set) var operations: [String] = []
    private var faults: [GitHubStandIn.Fault]
    private var onCreate: (@Sendable () -> Void)?

    init(faults: [GitHubStandIn.Fault] = []) { self.faults = faults }

    func onCreate(_ action: @escaping @Sendable () -> Void) { onCreate = action }

    func handle(_ request: Request, body: ByteBuffer) -> (HTTPResponse.Status, String)? {
        guard request.method == .post, request.uri.path == "/graphql" else { return (.notFound, "{}") }
        let object = (try? JSONSerialization.jsonObject(with: Data(body.readableBytesView))) as? [String: Any] ?? [:]
        let query = object["query"] as? String ?? ""
        let variables = object["variables"] as? [String: Any] ?? [:]
        let operation = query.split(separator: " ").dropFirst().first.map { String($0.prefix { $0 != "(" }) } ?? ""
        operations.append(operation)
        guard request.headers[.authorization] == Self.apiKey else {
            return (
                .badRequest, #"{"errors":[{"message":"Authentication required, not authenticated","extensions":{"code":"AUTHENTICATION_ERROR"}}]}"#
            )
        }
        if operation == "IssueCreate", let fault = faults.first {
            faults.removeFirst()
            switch fault {
            case .answer(let status, _, let message):
                let code = status == .tooManyRequests ? "RATELIMITED" : "INTERNAL_ERROR"
                return (status, #"{"errors":[{"message":"\#(message)","extensions":{"code":"\#(code)"}}]}"#)
            case .processThenHang:
                _ = create(variables)
                return nil
            }
        }
        switch operation {
        case "IssueCreate":
            guard let issue = create(variables) else {
                return (.ok, #"{"data":null,"errors":[{"message":"Argument Validation Error","extensions":{"code":"INVALID_INPUT"}}]}"#)
            }
            return (.ok, #"{"data":{"issueCreate":{"success":true,"issue":\#(json(issue))}}}"#)
        case "Issue":
            guard let id = variables["id"] as? String, let issue = find(id) else {
                return (.ok, #"{"data":null,"errors":[{"message":"Entity not found: Issue","extensions":{"code":"INVALID_INPUT"}}]}"#)
            }
            return (.ok, #"{"data":{"issue":\#(json(issue))}}"#)
        case "TeamStates":
            guard variables["id"] as? String == Self.teamID else { return (.ok, #"{"data":null,"errors":[{"message":"Entity not found: Team"}]}"#) }
            return (
                .ok,
                #"{"data":{"team":{"states":{"nodes":[{"id":"state-todo","type":"unstarted"},{"id":"state-done","type":"completed"},{"id":"state-canceled","type":"canceled"}]}}}}"#
            )
        case "IssueUpdate":
            guard let id = variables["id"] as? String, let index = issues.firstIndex(where: { $0.id == id || $0.identifier == id }),
                let input = variables["input"] as? [String: Any]
            else { return (.ok, #"{"data":null,"errors":[{"message":"Entity not found: Issue"}]}"#) }
            if let text = input["description"] as? String { issues[index].description = text }
            if let state = input["stateId"] as? String { issues[index].stateID = state }
            return (.ok, #"{"data":{"issueUpdate":{"success":true}}}"#)
        default:
            return (.badRequest, #"{"errors":[{"message":"Unknown operation"}]}"#)
        }
    }

    private func find(_ id: String) -> Issue? { issues.first { $0.id == id || $0.identifier == id } }

    private func create(_ variables: [String: Any]) -> Issue? {
        guard let input = variables["input"] as? [String: Any], input["teamId"] as? String == Self.teamID,
            let title = input["title"] as? String, !title.isEmpty, let id = input["id"] as? String, UUID(uuidString: id) != nil,
            find(id) == nil
        else { return nil }
        let issue = Issue(
            id: id,
            identifier: "ENG-\(issues.count + 1)",
            title: title,
            description: input["description"] as? String ?? "",
            dueDate: input["dueDate"] as? String
        )
        issues.append(issue)
        onCreate?()
        return issue
    }

    private func json(_ issue: Issue) -> String {
        #"{"identifier":"\#(issue.identifier)","url":"https://linear.app/acme/issue/\#(issue.identifier)"}"#
    }

    nonisolated func makeApplication() -> some ApplicationProtocol {
        let router = Router()
        router.post("/graphql") { request, _ in
            let body = try await request.body.collect(upTo: 1 << 20)
            guard let (status, json) = await self.handle(request, body: body) else {
                try await Task.sleep(for: .seconds(3))
                return Response(status: .gatewayTimeout)
            }
            var headers: HTTPFields = [.contentType: "application/json"]
            if status == .tooManyRequests { headers[.retryAfter] = "1" }
            return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(string: json)))
        }
        return Application(router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0)))
    }
}
