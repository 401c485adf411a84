import FirebellTestSupport
import Foundation
import HTTPTypes
import IncidentKit
import Testing

@testable import FirebellServer
@testable import Platforms

/// Slash commands are answered before the router (``SlackCommandFastPath``) with the route's answer, and a client
/// that sends requests back to back on one connection gets its answers in the order it asked, whoever serves them.
extension SlackServeTests {
    @Test func commandsAskedBackToBackAreAnsweredInOrderWithTheRoutesAnswer() async throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let standIn = SlackStandIn()
        try await standIn.application().test(.live) { standInClient in
            try await withFirebell(standInPort: standInClient.port!, folder: folder) { client, firebell in
                func request(_ body: String, headers: HTTPFields) -> String {
                    var text = "POST /slack/commands HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: \(body.utf8.count)\r\n"
                    for field in headers { text += "\(field.name.rawName): \(field.value)\r\n" }
                    return text + "\r\n" + body
                }
                let declare = form("declare sev2 Checkout down")
                let note = form("note first look: the database")
                let forged = form("note never stored")
                let connection = try SlowClient(port: client.port!)
                // Four requests in one write: a command, a command, a forged command (the router's 401), and the
                // health check, which ends the connection.
                connection.send(
                    request(declare, headers: signed(declare)) + request(note, headers: signed(note))
                        + request(forged, headers: signed(forged, signature: "v0=" + String(repeating: "0", count: 64)))
                        + "GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n"
                )
                let received = await connection.received(within: 20_000)
                let answers = received.components(separatedBy: "HTTP/1.1 ").dropFirst().map { "HTTP/1.1 " + $0 }
                #expect(answers.count == 4, "\(received)")
                guard answers.count == 4 else { return }
                #expect(answers[0].hasPrefix("HTTP/1.1 200") && answers[0].contains("declared SEV2"), "\(answers[0])")
                #expect(answers[1].hasPrefix("HTTP/1.1 200") && answers[1].contains("noted: first look"), "\(answers[1])")
                #expect(answers[2].hasPrefix("HTTP/1.1 401"), "\(answers[2])")
                #expect(answers[3].hasPrefix("HTTP/1.1 200") && answers[3].hasSuffix("ok\n"), "\(answers[3])")

                // The answer is the route's: ephemeral JSON, its length, the date and the server's name.
                let lines = answers[0].components(separatedBy: "\r\n")
                let headers = Dictionary(
                    lines.dropFirst().prefix { !$0.isEmpty }.compactMap { line -> (String, String)? in
                        guard let colon = line.firstIndex(of: ":") else { return nil }
                        return (line[..<colon].lowercased(), line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces))
                    },
                    uniquingKeysWith: { first, _ in first }
                )
                let body = lines.drop { !$0.isEmpty }.dropFirst().joined(separator: "\r\n")
                #expect(headers["content-type"] == "application/json" && headers["server"] == "firebell" && headers["date"] != nil)
                #expect(headers["content-length"] == "\(body.utf8.count)")
                let json = try JSONSerialization.jsonObject(with: Data(body.utf8)) as? [String: String]
                #expect(json?["response_type"] == "ephemeral" && json?["text"]?.hasPrefix("✓") == true, "\(body)")

                let records = try logRecords(in: folder).records
                let notes = records.compactMap { if case .notePosted(let text) = $0.event { text } else { nil } }
                #expect(notes == ["first look: the database"], "the forged one is not stored")
                #expect(records.first.map { if case .declared = $0.event { true } else { false } } == true, "in the order asked")
                #expect(await firebell.service.state(of: Self.incidentChannel).activeIncident?.title == "Checkout down")
            }
        }
    }
}
