import Foundation

/// Decodes a flat `application/x-www-form-urlencoded` body (Slack's and Mattermost's slash commands) into a
/// `Decodable` type, straight from the bytes: `+` is a space, `%XX` a byte, and a field named twice keeps its first
/// value. Hummingbird's `URLEncodedFormDecoder` also handles nested keys and arrays, which these forms never use; on
/// the command path it cost 12 % of the server's CPU at saturation (its percent-decoding goes through `NSString`),
/// this one well under 1 % (see the benchmark).
package struct FormDecoder: Sendable {
    package init() {}

    /// Whether a request's `Content-Type` says its body is such a form (the one check every form route makes).
    package static func isForm(_ contentType: String?) -> Bool {
        contentType?.lowercased().hasPrefix("application/x-www-form-urlencoded") == true
    }

    package func decode<T: Decodable>(_ type: T.Type, from body: some Sequence<UInt8>) throws -> T {
        try T(from: FormFieldsDecoder(fields: Self.fields(of: Array(body))))
    }

    /// The form's fields; a malformed escape (`%` not followed by two hex digits) is an error.
    package static func fields(of body: [UInt8]) throws -> [String: String] {
        var fields: [String: String] = [:]
        for pair in body.split(separator: UInt8(ascii: "&"), omittingEmptySubsequences: true) {
            let equals = pair.firstIndex(of: UInt8(ascii: "="))
            let name = try unescape(pair[pair.startIndex..<(equals ?? pair.endIndex)])
            let value = try equals.map { try unescape(pair[pair.index(after: $0)...]) } ?? ""
            if fields[name] == nil { fields[name] = value }
        }
        return fields
    }

    private static func unescape(_ bytes: ArraySlice<UInt8>) throws -> String {
        guard bytes.contains(where: { $0 == UInt8(ascii: "%") || $0 == UInt8(ascii: "+") }) else {
            return String(decoding: bytes, as: UTF8.self)
        }
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count)
        var iterator = bytes.makeIterator()
        while let byte = iterator.next() {
            switch byte {
            case UInt8(ascii: "+"): out.append(UInt8(ascii: " "))
            case UInt8(ascii: "%"):
                guard let high = iterator.next().flatMap(hexValue), let low = iterator.next().flatMap(hexValue) else {
                    throw DecodingError.dataCorrupted(.init(codingPath: [], debugDescription: "a malformed %-escape"))
                }
                out.append(high << 4 | low)
            default: out.append(byte)
            }
        }
        return String(decoding: out, as: UTF8.self)
    }

    private static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): byte - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): byte - UInt8(ascii: "A") + 10
        default: nil
        }
    }
}

/// A `Decoder` over one flat form: keyed containers of text fields only.
private struct FormFieldsDecoder: Decoder {
    let fields: [String: String]
    var codingPath: [any CodingKey] { [] }
    var userInfo: [CodingUserInfoKey: Any] { [:] }

    func container<Key: CodingKey>(keyedBy type: Key.Type) throws -> KeyedDecodingContainer<Key> {
        KeyedDecodingContainer(FormFieldsContainer<Key>(fields: fields))
    }

    func unkeyedContainer() throws -> any UnkeyedDecodingContainer {
        throw DecodingError.typeMismatch([Any].self, .init(codingPath: [], debugDescription: "a form is a flat set of fields"))
    }

    func singleValueContainer() throws -> any SingleValueDecodingContainer {
        throw DecodingError.typeMismatch(String.self, .init(codingPath: [], debugDescription: "a form is a flat set of fields"))
    }
}

private struct FormFieldsContainer<Key: CodingKey>: KeyedDecodingContainerProtocol {
    let fields: [String: String]
    var codingPath: [any CodingKey] { [] }
    var allKeys: [Key] { fields.keys.compactMap { Key(stringValue: $0) } }

    func contains(_ key: Key) -> Bool { fields[key.stringValue] != nil }

    func decodeNil(forKey key: Key) throws -> Bool { fields[key.stringValue] == nil }

    private func text(_ key: Key) throws -> String {
        guard let value = fields[key.stringValue] else {
            throw DecodingError.keyNotFound(key, .init(codingPath: [key], debugDescription: "the form has no field \(key.stringValue)"))
        }
        return value
    }

    private func value<T: LosslessStringConvertible>(_ type: T.Type, _ key: Key) throws -> T {
        guard let value = T(try text(key)) else {
            throw DecodingError.typeMismatch(type, .init(codingPath: [key], debugDescription: "\(key.stringValue) is not a \(type)"))
        }
        return value
    }

    func decode(_ type: String.Type, forKey key: Key) throws -> String { try text(key) }
    func decode(_ type: Bool.Type, forKey key: Key) throws -> Bool { try value(type, key) }
    func decode(_ type: Double.Type, forKey key: Key) throws -> Double { try value(type, key) }
    func decode(_ type: Float.Type, forKey key: Key) throws -> Float { try value(type, key) }
    func decode(_ type: Int.Type, forKey key: Key) throws -> Int { try value(type, key) }
    func decode(_ type: Int8.Type, forKey key: Key) throws -> Int8 { try value(type, key) }
    func decode(_ type: Int16.Type, forKey key: Key) throws -> Int16 { try value(type, key) }
    func decode(_ type: Int32.Type, forKey key: Key) throws -> Int32 { try value(type, key) }
    func decode(_ type: Int64.Type, forKey key: Key) throws -> Int64 { try value(type, key) }
    func decode(_ type: UInt.Type, forKey key: Key) throws -> UInt { try value(type, key) }
    func decode(_ type: UInt8.Type, forKey key: Key) throws -> UInt8 { try value(type, key) }
    func decode(_ type: UInt16.Type, forKey key: Key) throws -> UInt16 { try value(type, key) }
    func decode(_ type: UInt32.Type, forKey key: Key) throws -> UInt32 { try value(type, key) }
    func decode(_ type: UInt64.Type, forKey key: Key) throws -> UInt64 { try value(type, key) }

    func decode<T: Decodable>(_ type: T.Type, forKey key: Key) throws -> T {
        if let text = try text(key) as? T { return text }
        throw DecodingError.typeMismatch(type, .init(codingPath: [key], debugDescription: "form fields are text"))
    }

    func nestedContainer<NestedKey: CodingKey>(keyedBy type: NestedKey.Type, forKey key: Key) throws -> KeyedDecodingContainer<NestedKey> {
        throw DecodingError.typeMismatch([String: Any].self, .init(codingPath: [key], debugDescription: "a form is a flat set of fields"))
    }

    func nestedUnkeyedContainer(forKey key: Key) throws -> any UnkeyedDecodingContainer {
        throw DecodingError.typeMismatch([Any].self, .init(codingPath: [key], debugDescription: "a form is a flat set of fields"))
    }

    func superDecoder() throws -> any Decoder { FormFieldsDecoder(fields: fields) }
    func superDecoder(forKey key: Key) throws -> any Decoder { FormFieldsDecoder(fields: fields) }
}
