import Foundation

/// Encodes a value as compact JSON with sorted keys: byte for byte what `JSONEncoder` writes with
/// `[.sortedKeys, .withoutEscapingSlashes]` (and, when given, a date strategy writing a string), without
/// `JSONEncoder`'s generic machinery — which was the largest single cost of a durable command, since every event is
/// one line of it, and of every JSON answer.
///
/// It writes strings, integers, booleans, null, arrays and objects with ASCII keys. For anything else (floating-point
/// numbers, `Data`, `URL`, `Decimal`, a date without a date strategy, a key that is not ASCII, a super-encoder) it
/// throws ``Unsupported``, and the caller encodes that value with `JSONEncoder`: nothing is ever written differently.
package struct CompactJSONEncoder: Sendable {
    /// The value holds something this encoder leaves to `JSONEncoder`.
    package struct Unsupported: Error {}

    private let date: (@Sendable (Date) -> String)?

    /// - Parameter date: how a `Date` is written (as a string); nil leaves dates to `JSONEncoder`.
    package init(date: (@Sendable (Date) -> String)? = nil) { self.date = date }

    /// The JSON of `value`.
    package func encode<T: Encodable>(_ value: T) throws -> [UInt8] {
        let root = ValueEncoder(EncodingState(date: date))
        try value.encode(to: root)
        guard let node = root.node, !root.state.unsupported else { throw Unsupported() }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(256)
        try Self.write(node, to: &bytes)
        return bytes
    }

    private static func write(_ node: Node, to bytes: inout [UInt8]) throws {
        switch node {
        case .string(let text): appendQuoted(text, to: &bytes)
        case .literal(let text): bytes.append(contentsOf: text.utf8)
        case .array(let box):
            bytes.append(UInt8(ascii: "["))
            for (index, item) in box.items.enumerated() {
                if index > 0 { bytes.append(UInt8(ascii: ",")) }
                try write(item, to: &bytes)
            }
            bytes.append(UInt8(ascii: "]"))
        case .object(let box):
            // `JSONEncoder` sorts keys by their characters; for ASCII keys that is their bytes.
            guard box.entries.allSatisfy({ $0.key.utf8.allSatisfy { $0 < 0x80 } }) else { throw Unsupported() }
            let entries = box.entries.sorted { $0.key.utf8.lexicographicallyPrecedes($1.key.utf8) }
            bytes.append(UInt8(ascii: "{"))
            for (index, entry) in entries.enumerated() {
                if index > 0 { bytes.append(UInt8(ascii: ",")) }
                appendQuoted(entry.key, to: &bytes)
                bytes.append(UInt8(ascii: ":"))
                try write(entry.value, to: &bytes)
            }
            bytes.append(UInt8(ascii: "}"))
        }
    }

    /// `text` in quotes, escaped as `JSONEncoder` escapes it: quote, backslash and control characters; `/` and
    /// everything from U+007F up as they are.
    private static func appendQuoted(_ text: String, to bytes: inout [UInt8]) {
        bytes.append(UInt8(ascii: "\""))
        let utf8 = text.utf8
        if !utf8.contains(where: { $0 < 0x20 || $0 == UInt8(ascii: "\"") || $0 == UInt8(ascii: "\\") }) {
            bytes.append(contentsOf: utf8)
        } else {
            let hex = Array("0123456789abcdef".utf8)
            for byte in utf8 {
                switch byte {
                case UInt8(ascii: "\""): bytes.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "\"")])
                case UInt8(ascii: "\\"): bytes.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "\\")])
                case 0x08: bytes.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "b")])
                case 0x0C: bytes.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "f")])
                case 0x0A: bytes.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "n")])
                case 0x0D: bytes.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "r")])
                case 0x09: bytes.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "t")])
                case ..<0x20:
                    bytes.append(contentsOf: Array("\\u00".utf8))
                    bytes.append(hex[Int(byte >> 4)])
                    bytes.append(hex[Int(byte & 0x0F)])
                default: bytes.append(byte)
                }
            }
        }
        bytes.append(UInt8(ascii: "\""))
    }
}

/// An encoded value: a string still to be quoted, a literal (number, `true`, `false`, `null`), or a container.
private enum Node {
    case string(String)
    case literal(String)
    case array(ArrayBox)
    case object(ObjectBox)

    static func number(_ value: some BinaryInteger) -> Node { .literal(String(value)) }
    static func flag(_ value: Bool) -> Node { .literal(value ? "true" : "false") }
}

private final class ArrayBox {
    var items: [Node] = []
}

private final class ObjectBox {
    var entries: [(key: String, value: Node)] = []

    /// Sets `key`; a key encoded twice keeps its last value, as in `JSONEncoder`.
    func set(_ key: some CodingKey, _ node: Node) {
        let name = key.stringValue
        if let index = entries.firstIndex(where: { $0.key == name }) {
            entries[index].value = node
        } else {
            entries.append((name, node))
        }
    }
}

/// What every encoder of one value shares: the date strategy, and whether anything asked for what is left to
/// `JSONEncoder` where no error could be thrown (a super-encoder).
private final class EncodingState {
    let date: (@Sendable (Date) -> String)?
    var unsupported = false

    init(date: (@Sendable (Date) -> String)?) { self.date = date }
}

/// The `Encoder` a value encodes itself to; `node` is what it encoded.
private final class ValueEncoder: Encoder {
    let state: EncodingState
    var node: Node?
    var codingPath: [any CodingKey] { [] }
    var userInfo: [CodingUserInfoKey: Any] { [:] }

    init(_ state: EncodingState) { self.state = state }

    func container<Key: CodingKey>(keyedBy type: Key.Type) -> KeyedEncodingContainer<Key> {
        if case .object(let box) = node { return KeyedEncodingContainer(KeyedContainer(box: box, encoder: self)) }
        let box = ObjectBox()
        node = .object(box)
        return KeyedEncodingContainer(KeyedContainer(box: box, encoder: self))
    }

    func unkeyedContainer() -> any UnkeyedEncodingContainer {
        if case .array(let box) = node { return UnkeyedContainer(box: box, encoder: self) }
        let box = ArrayBox()
        node = .array(box)
        return UnkeyedContainer(box: box, encoder: self)
    }

    func singleValueContainer() -> any SingleValueEncodingContainer { SingleValueContainer(encoder: self) }

    /// The node of a nested value: strings, integers, booleans and dates directly, everything else through its own
    /// `encode(to:)`.
    func node<T: Encodable>(for value: T) throws -> Node {
        if T.self == String.self { return .string(value as! String) }
        if T.self == Int.self { return .number(value as! Int) }
        if T.self == Bool.self { return .flag(value as! Bool) }
        if T.self == Date.self {
            guard let date = state.date else { throw CompactJSONEncoder.Unsupported() }
            return .string(date(value as! Date))
        }
        if T.self == Double.self || T.self == Float.self || T.self == Data.self || T.self == URL.self || T.self == Decimal.self {
            throw CompactJSONEncoder.Unsupported()
        }
        let nested = ValueEncoder(state)
        try value.encode(to: nested)
        return nested.node ?? .object(ObjectBox())
    }

    /// A super-encoder: not written here, so the value goes to `JSONEncoder`.
    func unsupportedEncoder() -> any Encoder {
        state.unsupported = true
        return ValueEncoder(state)
    }
}

private struct KeyedContainer<Key: CodingKey>: KeyedEncodingContainerProtocol {
    let box: ObjectBox
    let encoder: ValueEncoder
    var codingPath: [any CodingKey] { [] }

    mutating func encodeNil(forKey key: Key) throws { box.set(key, .literal("null")) }
    mutating func encode(_ value: Bool, forKey key: Key) throws { box.set(key, .flag(value)) }
    mutating func encode(_ value: String, forKey key: Key) throws { box.set(key, .string(value)) }
    mutating func encode(_ value: Double, forKey key: Key) throws { throw CompactJSONEncoder.Unsupported() }
    mutating func encode(_ value: Float, forKey key: Key) throws { throw CompactJSONEncoder.Unsupported() }
    mutating func encode(_ value: Int, forKey key: Key) throws { box.set(key, .number(value)) }
    mutating func encode(_ value: Int8, forKey key: Key) throws { box.set(key, .number(value)) }
    mutating func encode(_ value: Int16, forKey key: Key) throws { box.set(key, .number(value)) }
    mutating func encode(_ value: Int32, forKey key: Key) throws { box.set(key, .number(value)) }
    mutating func encode(_ value: Int64, forKey key: Key) throws { box.set(key, .number(value)) }
    mutating func encode(_ value: UInt, forKey key: Key) throws { box.set(key, .number(value)) }
    mutating func encode(_ value: UInt8, forKey key: Key) throws { box.set(key, .number(value)) }
    mutating func encode(_ value: UInt16, forKey key: Key) throws { box.set(key, .number(value)) }
    mutating func encode(_ value: UInt32, forKey key: Key) throws { box.set(key, .number(value)) }
    mutating func encode(_ value: UInt64, forKey key: Key) throws { box.set(key, .number(value)) }
    mutating func encode<T: Encodable>(_ value: T, forKey key: Key) throws { box.set(key, try encoder.node(for: value)) }

    mutating func nestedContainer<NestedKey: CodingKey>(keyedBy keyType: NestedKey.Type, forKey key: Key) -> KeyedEncodingContainer<NestedKey> {
        let nested = ObjectBox()
        box.set(key, .object(nested))
        return KeyedEncodingContainer(KeyedContainer<NestedKey>(box: nested, encoder: encoder))
    }

    mutating func nestedUnkeyedContainer(forKey key: Key) -> any UnkeyedEncodingContainer {
        let nested = ArrayBox()
        box.set(key, .array(nested))
        return UnkeyedContainer(box: nested, encoder: encoder)
    }

    mutating func superEncoder() -> any Encoder { encoder.unsupportedEncoder() }
    mutating func superEncoder(forKey key: Key) -> any Encoder { encoder.unsupportedEncoder() }
}

private struct UnkeyedContainer: UnkeyedEncodingContainer {
    let box: ArrayBox
    let encoder: ValueEncoder
    var codingPath: [any CodingKey] { [] }
    var count: Int { box.items.count }

    mutating func encodeNil() throws { box.items.append(.literal("null")) }
    mutating func encode(_ value: Bool) throws { box.items.append(.flag(value)) }
    mutating func encode(_ value: String) throws { box.items.append(.string(value)) }
    mutating func encode(_ value: Double) throws { throw CompactJSONEncoder.Unsupported() }
    mutating func encode(_ value: Float) throws { throw CompactJSONEncoder.Unsupported() }
    mutating func encode(_ value: Int) throws { box.items.append(.number(value)) }
    mutating func encode(_ value: Int8) throws { box.items.append(.number(value)) }
    mutating func encode(_ value: Int16) throws { box.items.append(.number(value)) }
    mutating func encode(_ value: Int32) throws { box.items.append(.number(value)) }
    mutating func encode(_ value: Int64) throws { box.items.append(.number(value)) }
    mutating func encode(_ value: UInt) throws { box.items.append(.number(value)) }
    mutating func encode(_ value: UInt8) throws { box.items.append(.number(value)) }
    mutating func encode(_ value: UInt16) throws { box.items.append(.number(value)) }
    mutating func encode(_ value: UInt32) throws { box.items.append(.number(value)) }
    mutating func encode(_ value: UInt64) throws { box.items.append(.number(value)) }
    mutating func encode<T: Encodable>(_ value: T) throws { box.items.append(try encoder.node(for: value)) }

    mutating func nestedContainer<NestedKey: CodingKey>(keyedBy keyType: NestedKey.Type) -> KeyedEncodingContainer<NestedKey> {
        let nested = ObjectBox()
        box.items.append(.object(nested))
        return KeyedEncodingContainer(KeyedContainer<NestedKey>(box: nested, encoder: encoder))
    }

    mutating func nestedUnkeyedContainer() -> any UnkeyedEncodingContainer {
        let nested = ArrayBox()
        box.items.append(.array(nested))
        return UnkeyedContainer(box: nested, encoder: encoder)
    }

    mutating func superEncoder() -> any Encoder { encoder.unsupportedEncoder() }
}

private struct SingleValueContainer: SingleValueEncodingContainer {
    let encoder: ValueEncoder
    var codingPath: [any CodingKey] { [] }

    mutating func encodeNil() throws { encoder.node = .literal("null") }
    mutating func encode(_ value: Bool) throws { encoder.node = .flag(value) }
    mutating func encode(_ value: String) throws { encoder.node = .string(value) }
    mutating func encode(_ value: Double) throws { throw CompactJSONEncoder.Unsupported() }
    mutating func encode(_ value: Float) throws { throw CompactJSONEncoder.Unsupported() }
    mutating func encode(_ value: Int) throws { encoder.node = .number(value) }
    mutating func encode(_ value: Int8) throws { encoder.node = .number(value) }
    mutating func encode(_ value: Int16) throws { encoder.node = .number(value) }
    mutating func encode(_ value: Int32) throws { encoder.node = .number(value) }
    mutating func encode(_ value: Int64) throws { encoder.node = .number(value) }
    mutating func encode(_ value: UInt) throws { encoder.node = .number(value) }
    mutating func encode(_ value: UInt8) throws { encoder.node = .number(value) }
    mutating func encode(_ value: UInt16) throws { encoder.node = .number(value) }
    mutating func encode(_ value: UInt32) throws { encoder.node = .number(value) }
    mutating func encode(_ value: UInt64) throws { encoder.node = .number(value) }
    mutating func encode<T: Encodable>(_ value: T) throws { encoder.node = try encoder.node(for: value) }
}
