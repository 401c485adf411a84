import Foundation
import HTTPTypes
import Hummingbird
import NIOCore

/// A loopback stand-in for GitHub's Issues REST API as Firebell uses it: create, list, update. It checks what GitHub
/// checks (the bearer token, the API version, a user agent, a JSON body with a title) and answers as GitHub documents,
/// with faults injected into the next creates: a status with headers, or a create that is processed and then not
/// answered before the client gives up (an ambiguous failure).
actor GitHubStandIn {
    struct Issue: Sendable {
        var number: Int
        var title: String
        var body: String
        var labels: [String]
        var state = "open"
        var stateReason: String?
    }

    enum Fault: Sendable {
        case answer(HTTPResponse.Status, headers: [String: String], message: String)
        /// The create is applied, and the answer never comes.
        case processThenHang
    }

    static let token = "gh-test-token"
    static let repository = "acme/ops"

    private(set) var issues: [Issue] = []
    private(set) var calls: [(method: String, path: String)] = []
    private var faults: [Fault]
    private var base = ""
    /// Called when an issue has been created (tests that stop the server at that moment).
    private var onCreate: (@Sendable () -> Void)?

    init(faults: [Fault] = []) { self.faults = faults }

    func setBase(_ url: String) { base = url }
    func onCreate(_ action: @escaping @Sendable () -> Void) { onCreate = action }
    func inject(_ fault: Fault) { faults.append(fault) }

    struct NewIssue: Decodable {
        var title: String
        var body: String?
        var labels: [String]?
    }

    struct Change: Decodable {
        var body: String?
        var state: String?
        var state_reason: String?
    }

    func handle(_ request: Request, body: ByteBuffer) async -> (HTTPResponse.Status, [String: String], String)? {
        let method = request.method.rawValue
        let path = request.uri.path
        calls.append((method, path))
        let headers = request.headers
        guard headers[.authorization] == "Bearer \(Self.token)" else {
            return (.unauthorized, [:], #"{"message":"Bad credentials","documentation_url":"https://docs.github.com/rest"}"#)
        }
        guard headers[HTTPField.Name("X-GitHub-Api-Version")!] == "2022-11-28", headers[.accept] == "application/vnd.github+json",
            headers[.userAgent]?.isEmpty == false
        else { return (.badRequest, [:], #"{"message":"missing API version, Accept or User-Agent"}"#) }
        let prefix = "/repos/\(Self.repository)/issues"
        guard path.hasPrefix(prefix) else { return (.notFound, [:], #"{"message":"Not Found"}"#) }
        if method == "POST", let fault = faults.first {
            faults.removeFirst()
            switch fault {
            case .answer(let status, let headers, let message): return (status, headers, #"{"message":"\#(message)"}"#)
            case .processThenHang:
                _ = create(body)
                return nil
            }
        }
        switch (method, String(path.dropFirst(prefix.count))) {
        case ("POST", ""):
            guard let issue = create(body) else { return (.unprocessableContent, [:], #"{"message":"Validation Failed"}"#) }
            return (.created, [:], json(issue))
        case ("GET", ""):
            guard request.uri.queryParameters["labels"] == "incident", request.uri.queryParameters["state"] == "all" else {
                return (.badRequest, [:], #"{"message":"unexpected listing"}"#)
            }
            return (.ok, [:], "[" + issues.filter { $0.labels.contains("incident") }.reversed().map(json).joined(separator: ",") + "]")
        case ("PATCH", let rest):
            guard let number = Int(rest.dropFirst()), let index = issues.firstIndex(where: { $0.number == number }),
                let change = try? JSONDecoder().decode(Change.self, from: Data(body.readableBytesView))
            else { return (.notFound, [:], #"{"message":"Not Found"}"#) }
            if let text = change.body { issues[index].body = text }
            if let state = change.state {
                issues[index].state = state
                issues[index].stateReason = change.state_reason
            }
            return (.ok, [:], json(issues[index]))
        default:
            return (.notFound, [:], #"{"message":"Not Found"}"#)
        }
    }

    private func create(_ body: ByteBuffer) -> Issue? {
        guard let new = try? JSONDecoder().decode(NewIssue.self, from: Data(body.readableBytesView)), !new.title.isEmpty else { return nil }
        let issue = Issue(number: issues.count + 1, title: new.title, body: new.body ?? "", labels: new.labels ?? [])
        issues.append(issue)
        onCreate?()
        return issue
    }

    private func json(_ issue: Issue) -> String {
        let object: [String: Any] = [
            "number": issue.number, "html_url": "\(base)/\(Self.repository)/issues/\(issue.number)", "title": issue.title,
            "body": issue.body, "state": issue.state,
        ]
        return String(decoding: try! JSONSerialization.data(withJSONObject: object), as: UTF8.self)
    }

    nonisolated func makeApplication() -> some ApplicationProtocol {
        let router = Router()
        for method in [HTTPRequest.Method.get, .post, .patch] {
            router.on("**", method: method) { request, _ in
                let body = try await request.body.collect(upTo: 1 << 20)
                guard let (status, headers, json) = await self.handle(request, body: body) else {
                    // Processed, not answered: hold the connection past the client's timeout (500 ms in the tests).
                    try await Task.sleep(for: .seconds(3))
                    return Response(status: .gatewayTimeout)
                }
                var fields: HTTPFields = [.contentType: "application/json"]
                for (name, value) in headers { fields[HTTPField.Name(name)!] = value }
                return Response(status: status, headers: fields, body: .init(byteBuffer: ByteBuffer(string: json)))
            }
        }
        return Application(router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0)))
    }
}
