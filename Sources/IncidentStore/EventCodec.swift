import Foundation
import IncidentKit

/// Encodes and decodes one event-log line; the one place that fixes the on-disk JSON shape.
package struct EventCodec: Sendable {
    package init() {}

    /// One record as a JSON line, newline included.
    package func line(for record: EventRecord) throws -> Data {
        var data = try Self.sharedEncoder.encode(record)
        data.append(0x0A)
        return data
    }

    package func record(from line: Data) throws -> EventRecord {
        try Self.decoder().decode(EventRecord.self, from: line)
    }

    /// One encoder for every line: its settings never change, and `encode` keeps no state between calls.
    private static let sharedEncoder = encoder()

    static func encoder() -> JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .custom { date, encoder in
            var container = encoder.singleValueContainer()
            try container.encode(ISOTimestamp.format(date))
        }
        return encoder
    }

    static func decoder() -> JSONDecoder {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .custom { decoder in
            let container = try decoder.singleValueContainer()
            let text = try container.decode(String.self)
            guard let date = ISOTimestamp.parse(text) else {
                throw DecodingError.dataCorruptedError(in: container, debugDescription: "not a timestamp: \(text)")
            }
            return date
        }
        return decoder
    }
}
