import Foundation
import IncidentKit
import Platforms
import Testing
import Yams

@Suite("Slack app manifest")
struct SlackManifestTests {
    static let file = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("commands/slack-app-manifest.yaml")

    func manifest() throws -> [String: Any] {
        try #require(Yams.load(yaml: String(contentsOf: Self.file, encoding: .utf8)) as? [String: Any])
    }

    @Test func theCommandsAndTheParserAgree() throws {
        let features = try #require(try manifest()["features"] as? [String: Any])
        let commands = try #require(features["slash_commands"] as? [[String: Any]])
        #expect(commands.compactMap { $0["command"] as? String }.sorted() == ["/inc", "/incident"])
        for command in commands {
            #expect(command["should_escape"] as? Bool == true, "mentions must arrive as <@U…> ids")
            #expect((command["url"] as? String)?.hasSuffix("/slack/commands") == true)
            let hinted = Set(((command["usage_hint"] as? String) ?? "").split(separator: "|").map(String.init))
            #expect(hinted == Set(VerbCatalog.verbs.map(\.name)), "usage_hint lists exactly the parser's verbs")
        }
    }

    @Test func scopesAndEventsCoverWhatFirebellUses() throws {
        let manifest = try manifest()
        let scopes = ((manifest["oauth_config"] as? [String: Any])?["scopes"] as? [String: Any])?["bot"] as? [String] ?? []
        #expect(
            Set([
                "commands", "chat:write", "app_mentions:read", "channels:history", "groups:history", "reactions:read", "channels:manage",
                "channels:read",
            ]).isSubset(of: Set(scopes)),
            "history is read to find a post before sending it again; reactions.get reads a pinned message"
        )
        let settings = try #require(manifest["settings"] as? [String: Any])
        let events = settings["event_subscriptions"] as? [String: Any]
        #expect(events?["bot_events"] as? [String] == ["app_mention", "reaction_added", "reaction_removed"])
        #expect((events?["request_url"] as? String)?.hasSuffix("/slack/events") == true)
        #expect(settings["socket_mode_enabled"] as? Bool != nil)
        let shortcuts = (manifest["features"] as? [String: Any])?["shortcuts"] as? [[String: Any]] ?? []
        #expect(
            Set(shortcuts.compactMap { $0["callback_id"] as? String }) == Set(SlackMessageShortcut.allCases.map(\.rawValue)),
            "every message shortcut the handler knows is in the manifest"
        )
        #expect(shortcuts.allSatisfy { $0["type"] as? String == "message" })
    }
}
