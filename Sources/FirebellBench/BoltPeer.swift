import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// The benchmark's peer: a Slack Bolt app in Python (`slack_bolt` served by gunicorn, 2 workers) doing the same work
/// for a note — verify the signature, parse the command, append one JSON line with fsync, answer. Set up by the
/// benchmark in a virtual environment under `.build/bench-bolt/` (from PyPI); not part of the product.
struct BoltPeer {
    let port: Int
    let dataFolder: URL
    let secret: String
    let home = URL(fileURLWithPath: FileManager.default.currentDirectoryPath).appendingPathComponent(".build/bench-bolt")
    private var gunicorn: URL { home.appendingPathComponent("venv/bin/gunicorn") }

    /// Creates the virtual environment once (`python3 -m venv`, `pip install slack_bolt gunicorn`).
    func setUp() throws {
        try FileManager.default.createDirectory(at: home, withIntermediateDirectories: true)
        try Data(Self.app.utf8).write(to: home.appendingPathComponent("bolt_app.py"))
        guard !FileManager.default.isExecutableFile(atPath: gunicorn.path) else { return }
        try Self.run("/usr/bin/python3", ["-m", "venv", home.appendingPathComponent("venv").path])
        try Self.run(home.appendingPathComponent("venv/bin/pip").path, ["install", "--quiet", "slack_bolt==1.30.0", "gunicorn==27.0.1"])
    }

    /// Starts gunicorn; returns its master process (stopped with SIGTERM by pid).
    func start() throws -> Spawn {
        try FileManager.default.createDirectory(at: dataFolder, withIntermediateDirectories: true)
        return try Spawn(
            gunicorn.path,
            ["-w", "2", "-b", "127.0.0.1:\(port)", "--chdir", home.path, "--log-level", "warning", "bolt_app:api"],
            environment: ["SLACK_SIGNING_SECRET": secret, "BOLT_DATA": dataFolder.path, "PATH": "/usr/bin:/bin"]
        )
    }

    private static func run(_ executable: String, _ arguments: [String]) throws {
        guard try Spawn(executable, arguments).finish().status == 0 else {
            throw BenchmarkError("\(executable) \(arguments.joined(separator: " ")) failed")
        }
    }

    static let app = #"""
        """A Slack Bolt app doing Firebell's work for a note: verify the signature, parse the command, append one JSON
        line to the channel's log with fsync, answer. firebell-bench's peer, not part of the product."""
        import json, os, time
        from slack_bolt import App
        from slack_bolt.authorization import AuthorizeResult
        from slack_bolt.adapter.wsgi import SlackRequestHandler

        DATA = os.environ["BOLT_DATA"]

        def authorize(enterprise_id, team_id, logger):
            # One workspace with a fixed bot token, and no network (what a single-team app gets).
            return AuthorizeResult(enterprise_id=enterprise_id, team_id=team_id, bot_token="xoxb-bench", bot_user_id="UBOT", bot_id="BBOT")

        app = App(signing_secret=os.environ["SLACK_SIGNING_SECRET"], authorize=authorize, process_before_response=True,
                  token_verification_enabled=False)

        @app.command("/incident")
        def incident(ack, command):
            verb, _, rest = command.get("text", "").partition(" ")
            record = {"at": int(time.time()), "actor": command["user_id"], "event": {verb or "help": {"text": rest}}}
            path = os.path.join(DATA, command["team_id"] + "-" + command["channel_id"] + ".jsonl")
            fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o640)
            try:
                os.write(fd, (json.dumps(record, separators=(",", ":")) + "\n").encode())
                os.fsync(fd)
            finally:
                os.close(fd)
            ack(response_type="ephemeral", text="✓ noted: " + rest)

        api = SlackRequestHandler(app, path="/slack/commands")
        """#
}
