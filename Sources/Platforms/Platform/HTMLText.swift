/// Reading back text written with HTML-like markup (Matrix `formatted_body`, Teams `xml` messages): what a reader sees.
enum HTMLText {
    /// The plain text: line breaks (and the ends of paragraphs and blocks) kept, tags dropped, entities read back.
    static func plain(_ html: String) -> String {
        var text = html.replacingOccurrences(of: "<br>\n", with: "\n")
        for tag in ["<br>", "<br/>", "<br />", "</p>", "</div>", "</li>"] { text = text.replacingOccurrences(of: tag, with: "\n") }
        while let open = text.range(of: "<"), let close = text.range(of: ">", range: open.upperBound..<text.endIndex) {
            text.removeSubrange(open.lowerBound..<close.upperBound)
        }
        return decodingEntities(text)
    }

    /// The entities these formats use, read back (`&amp;` last, so `&amp;lt;` stays `&lt;`).
    static func decodingEntities(_ text: String) -> String {
        guard text.contains("&") else { return text }
        var decoded = text
        for (entity, character) in [("&nbsp;", " "), ("&lt;", "<"), ("&gt;", ">"), ("&quot;", "\""), ("&#39;", "'"), ("&amp;", "&")] {
            decoded = decoded.replacingOccurrences(of: entity, with: character)
        }
        return decoded
    }
}
