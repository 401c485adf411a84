import Foundation

/// `wrk` (Debian's `wrk`), the load generator for saturation figures: a separate process with its own event loop,
/// so the load it offers does not depend on the server's runtime. Signed requests are pre-built in a file its Lua
/// script cycles through (Slack signatures stay valid for five minutes).
struct Wrk {
    let folder: URL

    struct Result {
        var requestsPerSecond: Double
        /// Responses other than 2xx/3xx, and socket errors.
        var failures: Int
    }

    static var isInstalled: Bool { FileManager.default.isExecutableFile(atPath: "/usr/bin/wrk") }

    /// Writes the signed `POST` requests (`timestamp\tsignature\tbody` per line) and the script that sends them.
    func prepare(requests: [(timestamp: String, signature: String, body: String)]) throws {
        let lines = requests.map { "\($0.timestamp)\t\($0.signature)\t\($0.body)" }.joined(separator: "\n") + "\n"
        try Data(lines.utf8).write(to: folder.appendingPathComponent("requests.txt"))
        let script = Self.script.replacingOccurrences(of: "requests.txt", with: folder.appendingPathComponent("requests.txt").path)
        try Data(script.utf8).write(to: folder.appendingPathComponent("signed.lua"))
    }

    /// Runs `wrk` against `url` for `seconds` with `connections` connections (2 threads); signed POSTs when `signed`.
    func run(_ url: String, connections: Int, seconds: Int, signed: Bool) async throws -> Result {
        let arguments =
            ["-t2", "-c\(connections)", "-d\(seconds)s", "--timeout", "10s"]
            + (signed ? ["-s", folder.appendingPathComponent("signed.lua").path] : []) + [url]
        return Self.parse(try await Spawn("/usr/bin/wrk", arguments, captureOutput: true).finished().output)
    }

    /// Starts `wrk` in the background (a stampede beside a measurement); the caller waits for it with `finished()`.
    func start(_ url: String, connections: Int, seconds: Int) throws -> Spawn {
        try Spawn("/usr/bin/wrk", ["-t2", "-c\(connections)", "-d\(seconds)s", url])
    }

    static func parse(_ text: String) -> Result {
        var result = Result(requestsPerSecond: 0, failures: 0)
        for line in text.split(separator: "\n").map({ $0.trimmingCharacters(in: .whitespaces) }) {
            let fields = line.split(separator: " ", omittingEmptySubsequences: true)
            if line.hasPrefix("Requests/sec:"), let value = fields.last.flatMap({ Double($0) }) { result.requestsPerSecond = value }
            if line.hasPrefix("Non-2xx or 3xx responses:"), let value = fields.last.flatMap({ Int($0) }) { result.failures += value }
            if line.hasPrefix("Socket errors:") {
                // "Socket errors: connect 0, read 0, write 0, timeout 0"
                result.failures += fields.compactMap { Int($0.trimmingCharacters(in: .punctuationCharacters)) }.reduce(0, +)
            }
        }
        return result
    }

    static let script = """
        local requests = {}
        local counter = 0
        function init(args)
          for line in io.lines("requests.txt") do
            local ts, sig, body = line:match("([^\\t]+)\\t([^\\t]+)\\t(.*)")
            requests[#requests + 1] = wrk.format("POST", "/slack/commands", {
              ["Content-Type"] = "application/x-www-form-urlencoded",
              ["X-Slack-Request-Timestamp"] = ts,
              ["X-Slack-Signature"] = sig,
            }, body)
          end
          counter = math.random(#requests)
        end
        function request()
          counter = counter + 1
          if counter > #requests then counter = 1 end
          return requests[counter]
        end
        """
}
