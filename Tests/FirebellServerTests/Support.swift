import Foundation
import Logging
import Synchronization
import FirebellServer
import IncidentKit
import Platforms
@_exported import FirebellTestSupport

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
