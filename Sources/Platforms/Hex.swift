/// Hexadecimal text as bytes (signatures and keys in headers and configuration).
enum Hex {
    /// The bytes of `text`, or nil when it is not an even number of hex digits (at most 256).
    static func bytes(_ text: some StringProtocol) -> [UInt8]? {
        guard text.count % 2 == 0, text.count <= 256 else { return nil }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(text.count / 2)
        var index = text.startIndex
        while index < text.endIndex {
            let next = text.index(index, offsetBy: 2)
            guard let byte = UInt8(text[index..<next], radix: 16) else { return nil }
            bytes.append(byte)
            index = next
        }
        return bytes
    }
}
