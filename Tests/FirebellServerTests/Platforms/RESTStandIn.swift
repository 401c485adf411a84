import Foundation
import HTTPTypes
import Hummingbird
import NIOCore

/// A loopback stand-in for a chat platform's REST API (Mattermost, Discord): records every request and
/// answers as the platform documents, with faults injected into the first calls.
actor RESTStandIn {
    struct Call: Sendable {
        let method: String
        let path: String
        let authorization: String?
        let userAgent: String?
        let body: Data
        let at = ContinuousClock.now

        var json: [String: Any] { (try? JSONSerialization.jsonObject(with: body)) as? [String: Any] ?? [:] }
    }

    /// How the stand-in answers a request that is not a fault: status and JSON body.
    typealias Answer = @Sendable (_ method: String, _ path: String, _ number: Int) -> (HTTPResponse.Status, String)

    private(set) var calls: [Call] = []
    private var faults: [(HTTPResponse.Status, [String: String], String)]
    private let answer: Answer

    init(faults: [(HTTPResponse.Status, [String: String], String)] = [], answer: @escaping Answer) {
        self.faults = faults
        self.answer = answer
    }

    func handle(_ request: Request, body: ByteBuffer) -> (HTTPResponse.Status, [String: String], String) {
        let method = request.method.rawValue
        let path = request.uri.path
        calls.append(
            Call(
                method: method,
                path: path,
                authorization: request.headers[.authorization],
                userAgent: request.headers[.userAgent],
                body: Data(body.readableBytesView)
            )
        )
        if !faults.isEmpty { return faults.removeFirst() }
        let (status, json) = answer(method, path, calls.count)
        return (status, [:], json)
    }

    nonisolated func application() -> some ApplicationProtocol {
        let router = Router()
        for method in [HTTPRequest.Method.get, .post, .put, .patch, .delete] {
            router.on("**", method: method) { request, _ in
                let body = try await request.body.collect(upTo: 1 << 20)
                let (status, headers, json) = await self.handle(request, body: body)
                var fields: HTTPFields = [.contentType: "application/json"]
                for (name, value) in headers { fields[HTTPField.Name(name)!] = value }
                return Response(status: status, headers: fields, body: .init(byteBuffer: ByteBuffer(string: json)))
            }
        }
        return Application(router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0)))
    }
}

/// Markdown as posted, read back as the console shows it: no `**`, no backslash escapes.
func unmarked(_ markdown: String) -> String {
    var out = ""
    var escaped = false
    for character in markdown.replacingOccurrences(of: "**", with: "") {
        if !escaped, character == "\\" {
            escaped = true
            continue
        }
        escaped = false
        out.append(character)
    }
    return out
}
