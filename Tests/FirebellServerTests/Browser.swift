import Foundation

/// Headless Chromium from the distribution, run against a loopback URL for one page load and stopped by pid.
enum Browser {
    static let path: String? = ["/usr/bin/chromium", "/usr/bin/chromium-browser"].first { FileManager.default.isExecutableFile(atPath: $0) }
    /// Set by `.ci/run`: a missing browser is then a failure, not a skip.
    static let required = ProcessInfo.processInfo.environment["FIREBELL_REQUIRE_BROWSER"] == "1"

    struct Result {
        var output: Data
        var screenshot: Data?
    }

    static func run(_ executable: String, _ arguments: [String], screenshot: Bool = false) async throws -> Result {
        let profile = try TemporaryFolder()
        defer { profile.remove() }
        // --no-sandbox: CI runs as root, where Chromium's sandbox refuses to start.
        let (_, data) = await ChildProcess.output(
            URL(fileURLWithPath: executable),
            arguments: [
                "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-extensions",
                "--user-data-dir=\(profile.url.path)",
            ] + arguments,
            environment: ["HOME": profile.url.path, "PATH": "/usr/bin:/bin"],
            limit: 60,
            workingDirectory: profile.url
        )
        let shot = screenshot ? try? Data(contentsOf: profile.url.appendingPathComponent("screenshot.png")) : nil
        return Result(output: data, screenshot: shot)
    }
}
