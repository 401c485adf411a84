import Foundation
import Hummingbird
import Platforms
import Testing

@Suite("Slack request signing")
struct SlackRequestVerifierTests {
    // T-SLACK-1: Slack's official example (python-slack-sdk tests, docs "verifying requests from Slack").
    static let secret = "8f742231b10e8888abcd99yyyzzz85a5"
    static let timestamp = "1531420618"
    static let body =
        "token=xyzz0WbapA4vBCDEFasx0q6G&team_id=T1DC2JH3J&team_domain=testteamnow&channel_id=G8PSS9T3V&channel_name=foobar&user_id=U2CERLKJA&user_name=roadrunner&command=%2Fwebhook-collect&text=&response_url=https%3A%2F%2Fhooks.slack.com%2Fcommands%2FT1DC2JH3J%2F397700885554%2F96rGlfmibIGlgcZRskXaIFfN&trigger_id=398738663015.47445629121.803a0bc887a14d10d2c447fce8b6703c"
    static let signature = "v0=a2114d57b48eac39b9ad189dd8316235a7b4a8d21a10bd27519666489c69b503"
    static let then = Date(timeIntervalSince1970: 1_531_420_618)

    let verifier = SlackRequestVerifier(signingSecret: Self.secret)!

    @Test func theOfficialVectorVerifies() throws {
        #expect(Self.body.utf8.count == 362)
        try verifier.verify(body: Data(Self.body.utf8), timestamp: Self.timestamp, signature: Self.signature, now: Self.then)
        #expect(verifier.signature(body: Data(Self.body.utf8), timestamp: Self.timestamp) == Self.signature)
    }

    @Test func theDerivedJSONVectorVerifies() throws {
        let json =
            #"{"token":"Jhj5dZrVaK7ZwHHjRyZWjbDl","challenge":"3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P","type":"url_verification"}"#
        try verifier.verify(
            body: Data(json.utf8),
            timestamp: Self.timestamp,
            signature: "v0=f9bd80929259f3f6d5fe3a3186c453c89cd1ad4862815a15837584f31c993652",
            now: Self.then
        )
    }

    @Test func aTamperedBodyFails() {
        #expect(throws: SlackVerificationFailure.badSignature) {
            try verifier.verify(body: Data((Self.body + "------").utf8), timestamp: Self.timestamp, signature: Self.signature, now: Self.then)
        }
    }

    @Test func aStaleRequestFailsEvenWithAGoodSignature() {
        #expect(throws: SlackVerificationFailure.stale) {
            try verifier.verify(body: Data(Self.body.utf8), timestamp: Self.timestamp, signature: Self.signature, now: Date())
        }
        #expect(throws: SlackVerificationFailure.stale) {
            try verifier.verify(
                body: Data(Self.body.utf8),
                timestamp: Self.timestamp,
                signature: Self.signature,
                now: Self.then.addingTimeInterval(301)
            )
        }
        #expect(throws: Never.self) {
            try verifier.verify(
                body: Data(Self.body.utf8),
                timestamp: Self.timestamp,
                signature: Self.signature,
                now: Self.then.addingTimeInterval(-300)
            )
        }
    }

    @Test func forgedAndMalformedHeadersFail() {
        let body = Data(Self.body.utf8)
        #expect(throws: SlackVerificationFailure.missingHeaders) {
            try verifier.verify(body: body, timestamp: nil, signature: Self.signature, now: Self.then)
        }
        #expect(throws: SlackVerificationFailure.missingHeaders) {
            try verifier.verify(body: body, timestamp: Self.timestamp, signature: nil, now: Self.then)
        }
        #expect(throws: SlackVerificationFailure.malformedTimestamp) {
            try verifier.verify(body: body, timestamp: "soon", signature: Self.signature, now: Self.then)
        }
        let forged = "v0=" + String(repeating: "0", count: 64)
        #expect(throws: SlackVerificationFailure.badSignature) {
            try verifier.verify(body: body, timestamp: Self.timestamp, signature: forged, now: Self.then)
        }
        #expect(throws: SlackVerificationFailure.badSignature) {
            try verifier.verify(body: body, timestamp: Self.timestamp, signature: "v1=abc", now: Self.then)
        }
        let other = SlackRequestVerifier(signingSecret: "another secret")!
        #expect(throws: SlackVerificationFailure.badSignature) {
            try verifier.verify(
                body: body,
                timestamp: Self.timestamp,
                signature: other.signature(body: body, timestamp: Self.timestamp),
                now: Self.then
            )
        }
    }

    @Test func anEmptySecretIsRefused() {
        #expect(SlackRequestVerifier(signingSecret: "") == nil)
    }

    /// The official example form decodes into the typed command with Hummingbird's `URLEncodedFormDecoder`.
    @Test func theSlashCommandFormDecodesIntoItsType() throws {
        let forms = URLEncodedFormDecoder()
        let command = try forms.decode(SlackSlashCommand.self, from: Self.body)
        #expect(command.command == "/webhook-collect" && command.text == "" && command.userName == "roadrunner")
        #expect(command.teamID == "T1DC2JH3J" && command.channelID == "G8PSS9T3V" && command.userID == "U2CERLKJA")
        #expect(command.responseURL == "https://hooks.slack.com/commands/T1DC2JH3J/397700885554/96rGlfmibIGlgcZRskXaIFfN")
        let spaced = try forms.decode(
            SlackSlashCommand.self,
            from: "command=%2Fincident&team_id=T&channel_id=C&user_id=U&text=a+b%20c%F0%9F%94%A5"
        )
        #expect(spaced.text == "a b c🔥")
        #expect(throws: (any Error).self) { try forms.decode(SlackSlashCommand.self, from: "command=%2Fincident&team_id=&channel_id=C&user_id=U") }
        #expect(throws: (any Error).self) { try forms.decode(SlackSlashCommand.self, from: "text=%ZZ") }
    }
}
