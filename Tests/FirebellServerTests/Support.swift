import Foundation
import Logging
import Synchronization
import FirebellServer
import IncidentKit
import Platforms

/// A fresh folder under the system temporary directory.
struct TemporaryFolder {
    let url: URL

    init() throws {
        url = FileManager.default.temporaryDirectory.appendingPathComponent("firebell-test-\(UUID().uuidString)", isDirectory: true)
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    }

    func remove() { try? FileManager.default.removeItem(at: url) }
}

/// Collects everything a console session prints.
final class Transcript: Sendable {
    private let lines = Mutex<[String]>([])

    var output: ConsoleOutput { ConsoleOutput { text in self.lines.withLock { $0.append(text) } } }
    var text: String { lines.withLock { $0.joined(separator: "\n") } }
    var blocks: [String] { lines.withLock { $0 } }
    func clear() { lines.withLock { $0.removeAll() } }
}

func quietLogger() -> Logger {
    var logger = Logger(label: "test")
    logger.logLevel = .critical
    return logger
}

/// Reads "Field: value" lines into a dictionary.
func fields(_ text: String) -> [String: String] {
    var result: [String: String] = [:]
    for line in text.split(separator: "\n") {
        guard let colon = line.firstIndex(of: ":") else { continue }
        result[String(line[..<colon])] = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
    }
    return result
}
