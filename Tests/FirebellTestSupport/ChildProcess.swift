import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// A program started for a test, killed with SIGKILL after `limit` whatever happens, so no test leaves
/// a process behind or hangs on one.
public final class ChildProcess {
    public let process: Process
    private let watchdog: DispatchWorkItem

    public var pid: Int32 { process.processIdentifier }

    public init(_ executable: URL, arguments: [String], environment: [String: String], stdin: Pipe? = nil, stdout: Pipe? = nil,
                limit: TimeInterval, workingDirectory: URL? = nil) throws {
        process = Process()
        if let workingDirectory { process.currentDirectoryURL = workingDirectory }
        process.executableURL = executable
        process.arguments = arguments
        process.environment = environment
        process.standardInput = stdin ?? FileHandle.nullDevice
        process.standardOutput = stdout ?? FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        let pid = process.processIdentifier
        watchdog = DispatchWorkItem { kill(pid, SIGKILL) }
        DispatchQueue.global().asyncAfter(deadline: .now() + limit, execute: watchdog)
    }

    /// Sends `signal` and waits for the process to end.
    public func stop(with signal: Int32) {
        kill(pid, signal)
        process.waitUntilExit()
        watchdog.cancel()
    }
}
