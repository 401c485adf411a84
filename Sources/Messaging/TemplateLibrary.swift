import Foundation
import Mustache

/// A template that could not be used, with the file and what is wrong.
package struct TemplateError: Error, CustomStringConvertible, Sendable {
    package let description: String
}

/// The stakeholder templates in force: the defaults, each replaced by a file from the overrides folder if present.
package struct TemplateLibrary: Sendable {
    private let templates: [String: MustacheTemplate]

    /// Loads the defaults and, when `overrides` is given, every `<name>.mustache` in it that names a known template.
    package init(overrides: URL? = nil) throws(TemplateError) {
        var texts = DefaultTemplates.byName
        if let overrides {
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: overrides.path, isDirectory: &isDirectory), isDirectory.boolValue else {
                throw TemplateError(description: "The templates folder \(overrides.path) does not exist.")
            }
            for name in DefaultTemplates.byName.keys {
                let file = overrides.appendingPathComponent("\(name).mustache")
                guard FileManager.default.fileExists(atPath: file.path) else { continue }
                do { texts[name] = try String(contentsOf: file, encoding: .utf8) } catch {
                    throw TemplateError(description: "Could not read \(file.path): \(error.localizedDescription)")
                }
            }
        }
        var parsed: [String: MustacheTemplate] = [:]
        for (name, text) in texts {
            do {
                // TEXT: values arrive already escaped for their platform, so Mustache must not escape them again.
                parsed[name] = try MustacheTemplate(string: "{{% CONTENT_TYPE: TEXT}}" + text)
            } catch {
                throw TemplateError(description: "The template \(name).mustache does not parse: \(error)")
            }
        }
        templates = parsed
    }

    func render(_ name: String, values: [String: Any], markup: Markup) -> String {
        var context = values
        context["bold"] = MustacheLambda { text in markup.bold(text) }
        return markup.finish(templates[name]!.render(context))
    }
}
