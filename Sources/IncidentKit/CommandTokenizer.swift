import Foundation

/// A word of a command line, with where it stood in the original text.
struct CommandToken: Sendable {
    let text: String
    let range: Range<String.Index>
    let quoted: Bool
}

/// Splits a command line into words; `"…"` and `“…”` keep spaces together.
enum CommandTokenizer {
    private static let openingQuotes: [Character: Character] = ["\"": "\"", "“": "”", "„": "“"]

    static func tokenize(_ text: String) throws(CommandError) -> [CommandToken] {
        var tokens: [CommandToken] = []
        var index = text.startIndex
        while index < text.endIndex {
            let character = text[index]
            if character.isWhitespace {
                index = text.index(after: index)
                continue
            }
            if let closing = openingQuotes[character] {
                let contentStart = text.index(after: index)
                guard let close = text[contentStart...].firstIndex(where: { $0 == closing || $0 == "\"" || $0 == "”" }) else {
                    throw CommandError("There is an opening quote (\(character)) without a closing one.")
                }
                let end = text.index(after: close)
                tokens.append(CommandToken(text: String(text[contentStart..<close]), range: index..<end, quoted: true))
                index = end
                continue
            }
            let end = text[index...].firstIndex(where: \.isWhitespace) ?? text.endIndex
            tokens.append(CommandToken(text: String(text[index..<end]), range: index..<end, quoted: false))
            index = end
        }
        return tokens
    }
}

/// Free text of a command (a title, an update) split from its trailing `key: value` clauses.
struct ClauseSplit {
    var body: String
    var clauses: [String: String]
}

/// Finds `impact:`, `next:`, `root cause:` … clauses among tokens and returns the text between them.
struct ClauseScanner {
    let source: String
    let tokens: [CommandToken]
    /// Clause keys, lower-case; a two-word key ("root cause") also matches "rootcause:" and "root-cause:".
    let keys: [String]
    let usage: String

    private struct Mark {
        let key: String
        let keyToken: Int
        let keyWords: Int
        /// Where the value starts inside the last key token ("next:30m"), or nil when it starts at the next token.
        let attachedValueStart: String.Index?
        var valueTokenStart: Int { attachedValueStart == nil ? keyToken + keyWords : keyToken + keyWords - 1 }
    }

    func split(from start: Int) throws(CommandError) -> ClauseSplit {
        var marks: [Mark] = []
        var index = start
        while index < tokens.count {
            guard let mark = mark(at: index) else {
                index += 1
                continue
            }
            guard !marks.contains(where: { $0.key == mark.key }) else {
                throw CommandError("'\(mark.key):' is given twice.", usage: usage)
            }
            marks.append(mark)
            index += mark.keyWords
        }
        var clauses: [String: String] = [:]
        for (position, mark) in marks.enumerated() {
            let end = position + 1 < marks.count ? marks[position + 1].keyToken : tokens.count
            clauses[mark.key] = text(tokenRange: mark.valueTokenStart..<max(end, mark.valueTokenStart), from: mark.attachedValueStart)
        }
        let bodyEnd = marks.first?.keyToken ?? tokens.count
        return ClauseSplit(body: text(tokenRange: start..<bodyEnd, from: nil), clauses: clauses)
    }

    private func mark(at index: Int) -> Mark? {
        let token = tokens[index]
        guard !token.quoted else { return nil }
        let lower = token.text.lowercased()
        for key in keys {
            let words = key.split(separator: " ").map(String.init)
            var spellings = [words.joined()]
            if words.count > 1 { spellings.append(words.joined(separator: "-")) }
            for spelling in spellings where lower.hasPrefix(spelling + ":") {
                return makeMark(key: key, keyToken: index, keyWords: 1, keyLength: spelling.count + 1)
            }
            if words.count == 2, lower == words[0], let next = tokens[safe: index + 1], !next.quoted,
                next.text.lowercased().hasPrefix(words[1] + ":")
            {
                return makeMark(key: key, keyToken: index, keyWords: 2, keyLength: words[1].count + 1)
            }
        }
        return nil
    }

    private func makeMark(key: String, keyToken: Int, keyWords: Int, keyLength: Int) -> Mark {
        let last = tokens[keyToken + keyWords - 1]
        let valueStart = source.index(last.range.lowerBound, offsetBy: keyLength)
        return Mark(
            key: key,
            keyToken: keyToken,
            keyWords: keyWords,
            attachedValueStart: valueStart == last.range.upperBound ? nil : valueStart
        )
    }

    /// The original text of `tokenRange`; a lone quoted token gives its content without the quotes.
    func text(tokenRange: Range<Int>, from attachedStart: String.Index?) -> String {
        guard let first = tokens[safe: tokenRange.lowerBound], !tokenRange.isEmpty else { return "" }
        if tokenRange.count == 1, first.quoted, attachedStart == nil { return first.text }
        let start = attachedStart ?? first.range.lowerBound
        let end = tokens[tokenRange.upperBound - 1].range.upperBound
        let raw = source[start..<end].trimmingWhitespace()
        if tokenRange.count == 1, raw.count >= 2, raw.first == "\"", raw.last == "\"" {
            return String(raw.dropFirst().dropLast())
        }
        return raw
    }
}

extension Array {
    subscript(safe index: Int) -> Element? { indices.contains(index) ? self[index] : nil }
}
