import IncidentKit
import Messaging

/// Every chat platform Firebell can serve; `firebell serve` starts those whose settings are present. Adding a
/// platform is its folder and one line here.
package let chatPlatforms: [any ChatPlatform.Type] = [
    Slack.self,
    Mattermost.self,
    Discord.self,
    Matrix.self,
    Teams.self,
    Console.self,
]

/// The platforms on which the bot can message a person directly (a page reaches them outside the channel).
package let directMessagePlatforms = Set(chatPlatforms.filter { $0.capabilities.contains(.directMessages) }.map { $0.id })

/// The markup a platform's posts are written in (plain text for the console and anything unknown).
package func markup(for platform: PlatformID) -> Markup { markups[platform] ?? .plain }

/// Each platform's markup, looked up for every message rendered.
private let markups = Dictionary(uniqueKeysWithValues: chatPlatforms.map { ($0.id, $0.markup) })
