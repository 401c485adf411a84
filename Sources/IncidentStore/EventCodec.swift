import Foundation
import IncidentKit

/// Encodes and decodes one event-log line; the one place that fixes the on-disk JSON shape.
package struct EventCodec: Sendable {
    package init() {}

    /// One record as a JSON line, newline included.
    package func line(for record: EventRecord) throws -> Data {
        var data: Data
        if let bytes = try? Self.compactEncoder.encode(record) {
            data = Data(bytes)
        } else {
            data = try Self.sharedEncoder.encode(record)
        }
        data.append(0x0A)
        return data
    }

    /// The same bytes as ``encoder()`` writes, at a fraction of the cost (every command writes at least one line);
    /// what it leaves to `JSONEncoder` is encoded by ``sharedEncoder``.
    package static let compactEncoder = CompactJSONEncoder(date: { ISOTimestamp.format($0) })

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
