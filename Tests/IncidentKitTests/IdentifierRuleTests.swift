import Testing

@testable import IncidentKit

/// One rule for every platform's ids, checked before a channel is touched.
@Suite("Identifier rule")
struct IdentifierRuleTests {
    func refusal(_ value: String) -> String? {
        do {
            try IdentifierRule.check(value, as: "channel id")
            return nil
        } catch {
            return error.message
        }
    }

    @Test func emptyControlCharactersAndOverLongIdsAreRefusedWithTheReason() {
        #expect(refusal("") == "The channel id is empty.")
        #expect(refusal("\0") == "The channel id contains the control character U+0000; ids are printable text.")
        #expect(refusal("C0\nX") == "The channel id contains the control character U+000A; ids are printable text.")
        #expect(refusal("C0\rX")?.contains("U+000D") == true)
        #expect(refusal("C0\tX")?.contains("U+0009") == true)
        #expect(refusal("C0\u{7F}")?.contains("U+007F") == true)
        #expect(refusal("C0\u{85}")?.contains("U+0085") == true)
        #expect(refusal("C0\u{2028}")?.contains("U+2028") == true)
        #expect(refusal(String(repeating: "x", count: 256)) == "The channel id is 256 bytes long; ids are at most 255 bytes.")
        // Counted in bytes: 128 two-byte letters are 256 bytes.
        #expect(refusal(String(repeating: "é", count: 128))?.contains("256 bytes") == true)
    }

    @Test func everyRealPlatformsIdsPass() {
        let teamsPersonal = "a:1" + String(repeating: "Xb7-_", count: 25)
        for id in [
            "C024BE91L", "80351110224678912", "4xp9fdt6pbgi8bqmy1fwnfxbfe", "!OGEhHVWSdvArJzumhm:matrix.org",
            "19:meeting_ODg2ZTM@thread.v2", teamsPersonal, String(repeating: "x", count: 255), "café ☕️",
        ] {
            #expect(refusal(id) == nil, "\(id)")
        }
    }

    @Test func aChannelAndAnActorAreCheckedPartByPart() {
        #expect(throws: InvalidIdentifier("The workspace id is empty.")) {
            try ChannelRef(platform: .console, workspace: "", channel: "C1").validate()
        }
        #expect(throws: InvalidIdentifier("The user id contains the control character U+0000; ids are printable text.")) {
            try UserRef("a\0b").validate()
        }
    }
}
