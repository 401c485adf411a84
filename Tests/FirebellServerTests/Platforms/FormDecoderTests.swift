import Foundation
import Platforms
import Testing

/// Slack's and Mattermost's form bodies, decoded from their bytes.
@Suite("Form decoder")
struct FormDecoderTests {
    struct Fields: Decodable, Equatable {
        var text: String
        var channel: String
        var count: Int?
        var missing: String?

        enum CodingKeys: String, CodingKey {
            case text, count, missing
            case channel = "channel_id"
        }
    }

    func decode(_ body: String) throws -> Fields { try FormDecoder().decode(Fields.self, from: Array(body.utf8)) }

    @Test func plusIsASpacePercentIsAByteAndTheFirstOfARepeatedFieldWins() throws {
        let fields = try decode("text=declare+sev1+%22Checkout%22+%E2%98%95%26more%3D1&channel_id=C0&count=3&channel_id=C9&empty=")
        #expect(fields == Fields(text: "declare sev1 \"Checkout\" ☕&more=1", channel: "C0", count: 3, missing: nil))
    }

    @Test func aMissingFieldAMalformedEscapeAndAWrongTypeAreErrors() {
        #expect(throws: DecodingError.self) { try decode("text=a") }
        #expect(throws: DecodingError.self) { try decode("text=%E&channel_id=C0") }
        #expect(throws: DecodingError.self) { try decode("text=%zz&channel_id=C0") }
        #expect(throws: DecodingError.self) { try decode("text=a&channel_id=C0&count=three") }
    }
}
