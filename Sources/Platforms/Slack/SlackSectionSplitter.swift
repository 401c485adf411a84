/// Splits a message's mrkdwn into section texts within Block Kit's limit, so a long post keeps every line
/// instead of losing its end.
///
/// It breaks between lines where it can, so every template field stays whole; a single line longer than the
/// limit breaks between characters, never inside an escape (`&amp;`) or a `<…>` mention or link, which would
/// show broken or ping the wrong thing.
enum SlackSectionSplitter {
    static func sections(_ text: String, limit: Int) -> [String] {
        var sections: [String] = []
        var current = ""
        var currentLength = 0
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
            for piece in pieces(of: Substring(line), limit: limit) {
                let length = piece.utf16.count
                if currentLength > 0, currentLength + 1 + length > limit {
                    sections.append(current)
                    current = ""
                    currentLength = 0
                }
                if currentLength > 0 || !current.isEmpty {
                    current += "\n"
                    currentLength += 1
                }
                current += piece
                currentLength += length
            }
        }
        if !current.isEmpty || sections.isEmpty { sections.append(current) }
        return sections.map { $0.isEmpty ? " " : $0 }
    }

    /// One line, in pieces of at most `limit` UTF-16 units, broken only outside escapes and `<…>`.
    private static func pieces(of line: Substring, limit: Int) -> [String] {
        guard line.utf16.count > limit else { return [String(line)] }
        var pieces: [String] = []
        var current = ""
        var currentLength = 0
        var unit = ""  // an escape or a <…> being read: never broken
        var opener: Character?
        func flush(_ text: String) {
            let length = text.utf16.count
            if currentLength + length > limit, currentLength > 0 {
                pieces.append(current)
                current = ""
                currentLength = 0
            }
            current += text
            currentLength += length
        }
        for character in line {
            if let open = opener {
                unit.append(character)
                let closes = (open == "&" && character == ";") || (open == "<" && character == ">")
                // An `&` that never closes within a short run was not an escape: let it break normally.
                if closes || (open == "&" && unit.utf16.count > 8) {
                    flush(unit)
                    unit = ""
                    opener = nil
                }
            } else if character == "&" || character == "<" {
                opener = character
                unit = String(character)
            } else {
                flush(String(character))
            }
        }
        if !unit.isEmpty { flush(unit) }
        if !current.isEmpty { pieces.append(current) }
        return pieces
    }
}
