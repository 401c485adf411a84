import Foundation
import IncidentKit

/// Escapes user text for a Markdown document (the postmortem draft) with as few backslashes as keep it literal.
///
/// Chat Markdown escaping (``Markup/markdown``) backslashes every character that could ever matter, which a
/// document then shows as noise: "30% of EU \(card\) payments". Here a character is escaped only where it would
/// format: emphasis and code marks, link brackets, HTML angle brackets, table pipes, a tilde pair (strikethrough),
/// an underscore at a word's edge, and a block marker (`# `, `- `, `+ `, `1. `) at the start of the text. Line breaks
/// become spaces, since every piece of user text sits in one list item or one table cell. Broadcast mentions are
/// neutralized as in every post.
enum DocumentMarkdown {
    private static let alwaysEscaped: Set<Character> = ["\\", "`", "*", "[", "]", "<", ">", "|"]

    static func escape(_ text: String) -> String {
        let characters = Array(text.map { $0.isNewline ? " " : $0 })
        let escapesTildes = characters.filter { $0 == "~" }.count > 1
        var out = ""
        out.reserveCapacity(text.utf8.count + 8)
        for (index, character) in characters.enumerated() {
            let before = index > 0 ? characters[index - 1] : nil
            let after = index + 1 < characters.count ? characters[index + 1] : nil
            let escapes: Bool
            switch character {
            case _ where alwaysEscaped.contains(character): escapes = true
            case "~": escapes = escapesTildes
            // Inside a word (snake_case) an underscore never emphasizes.
            case "_": escapes = !(before?.isLetterOrDigit == true && after?.isLetterOrDigit == true)
            // A block marker counts only at the start and before a space or a run of itself ("# ", "- ", "---").
            case "#", "-", "+", "=": escapes = index == 0 && (after == nil || after == " " || after == character)
            case ".", ")": escapes = index > 0 && (after == nil || after == " ") && characters[..<index].allSatisfy(\.isASCIIDigit)
            default: escapes = false
            }
            if escapes { out.append("\\") }
            out.append(character)
        }
        return Markup.neutralizingBroadcasts(out)
    }
}

extension Character {
    fileprivate var isLetterOrDigit: Bool { isLetter || isNumber }
    fileprivate var isASCIIDigit: Bool { isASCII && isNumber }
}
