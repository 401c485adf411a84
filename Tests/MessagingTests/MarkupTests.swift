import Foundation
import Testing

@testable import Messaging

@Suite("Markup escaping")
struct MarkupTests {
    @Test func slackEscapesControlCharactersSoNoOneIsPinged() {
        #expect(Markup.slack.escape("<!channel> down & <@U123> <https://x|y>") == "&lt;!channel&gt; down &amp; &lt;@U123&gt; &lt;https://x|y&gt;")
    }

    @Test(arguments: Markup.builtIn)
    func broadcastMentionsAreNeutralizedEverywhere(markup: Markup) {
        for word in ["@channel", "@here", "@everyone", "@all", "@room", "@Channel", "＠here"] {
            let escaped = markup.escape("ping \(word) now")
            #expect(!escaped.contains(word), "\(markup) still contains \(word)")
            #expect(escaped.replacingOccurrences(of: "\u{2060}", with: "").contains(word.replacingOccurrences(of: "＠", with: "＠")), "reads the same")
        }
        #expect(markup.escape("mail me at ops@example.com or @alice").contains("@alice"), "people are not touched")
    }

    @Test func markdownCannotFormatOrLink() {
        #expect(
            Markup.markdown.escape("**bold** [x](http://evil) <@&123> `code`") == "\\*\\*bold\\*\\* \\[x\\]\\(http://evil\\) \\<@&123\\> \\`code\\`"
        )
    }

    @Test func documentMarkdownEscapesOnlyWhatWouldFormat() {
        let cases: [(String, String)] = [
            ("30% of EU (card) payments, 1.5 h! #2 of 3", "30% of EU (card) payments, 1.5 h! #2 of 3"),
            ("support_queue and snake_case_names", "support_queue and snake_case_names"),
            ("_emphasis_ and *bold* and `code`", "\\_emphasis\\_ and \\*bold\\* and \\`code\\`"),
            ("[x](http://evil) <b>", "\\[x\\](http://evil) \\<b\\>"),
            ("a | b", "a \\| b"),
            ("~5% then ~10%", "\\~5% then \\~10%"),
            ("about ~5%", "about ~5%"),
            ("# heading", "\\# heading"),
            ("- item", "\\- item"),
            ("-5% traffic", "-5% traffic"),
            ("1. first", "1\\. first"),
            ("3.5% of users", "3.5% of users"),
            ("line one\nline two", "line one line two"),
        ]
        for (input, expected) in cases {
            #expect(DocumentMarkdown.escape(input) == expected, "\(input)")
        }
        #expect(!DocumentMarkdown.escape("tell @channel").contains("@channel"), "broadcasts are neutralized")
    }

    @Test func timesShowInTheReadersZoneWhereThePlatformHasTokens() {
        let at = Date(timeIntervalSince1970: 1_795_300_500)  // 2026-11-21 22:35 UTC
        #expect(Markup.slack.time(at) == "<!date^1795300500^{date_short_pretty} {time}|2026-11-21 22:35 UTC>")
        #expect(Markup.slack.time(at, clockOnly: true) == "<!date^1795300500^{time}|22:35 UTC>")
        #expect(Markup.discord.time(at) == "<t:1795300500:f>" && Markup.discord.time(at, clockOnly: true) == "<t:1795300500:t>")
        for markup in [Markup.markdown, .html, .plain] {
            #expect(markup.time(at) == "2026-11-21 22:35 UTC" && markup.time(at, clockOnly: true) == "22:35 UTC", "\(markup) keeps UTC")
        }
    }

    @Test func linksAreLinksOnEveryPlatform() {
        let url = "https://wiki.example/run?a=1&b=2|3"
        #expect(Markup.slack.link(url) == "<https://wiki.example/run?a=1&amp;b=2%7C3>", "no label can be smuggled in")
        #expect(Markup.markdown.link(url) == "<https://wiki.example/run?a=1&b=2|3>")
        #expect(Markup.discord.link(url) == "<https://wiki.example/run?a=1&b=2|3>", "no embed preview")
        #expect(Markup.html.link(url) == "<a href=\"https://wiki.example/run?a=1&amp;b=2|3\">https://wiki.example/run?a=1&amp;b=2|3</a>")
        #expect(Markup.plain.link(url) == url)
    }

    @Test func htmlIsEscaped() {
        #expect(Markup.html.escape("<script>alert('x')</script> & \"q\"") == "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; &quot;q&quot;")
    }
}
