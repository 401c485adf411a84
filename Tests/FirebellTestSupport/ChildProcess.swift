import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// A program started for a test, killed with SIGKILL after `limit` whatever happens, so no test leaves
/// a process behind or hangs on one.
public final class ChildProcess: @unchecked Sendable {
    public let process: Process
    let watchdog: DispatchWorkItem

    public var pid: Int32 { process.processIdentifier }

    public init(
        _ executable: URL,
        arguments: [String],
        environment: [String: String],
        stdin: Pipe? = nil,
        stdout: Pipe? = nil,
        stderr: FileHandle? = nil,
        limit: TimeInterval,
        workingDirectory: URL? = nil
    ) throws {
        process = Process()
        if let workingDirectory { process.currentDirectoryURL = workingDirectory }
        process.executableURL = executable
        process.arguments = arguments
        process.environment = environment
        process.standardInput = stdin ?? FileHandle.nullDevice
        process.standardOutput = stdout ?? FileHandle.nullDevice
        process.standardError = stderr ?? FileHandle.nullDevice
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

extension ChildProcess {
    /// Runs a program to its end and returns its exit status and standard output. The waiting happens on a
    /// thread of its own (see ``blocking(_:)``), never on one of the few threads Swift concurrency runs tests on.
    public static func output(
        _ executable: URL,
        arguments: [String],
        environment: [String: String],
        limit: TimeInterval,
        workingDirectory: URL? = nil
    ) async -> (status: Int32, output: Data) {
        await blocking {
            let pipe = Pipe()
            guard
                let child = try? ChildProcess(
                    executable,
                    arguments: arguments,
                    environment: environment,
                    stdout: pipe,
                    limit: limit,
                    workingDirectory: workingDirectory
                )
            else {
                return (127, Data("could not start \(executable.path)".utf8))
            }
            let data = pipe.fileHandleForReading.readDataToEndOfFile()
            child.process.waitUntilExit()
            child.watchdog.cancel()
            return (child.process.terminationStatus, data)
        }
    }

    /// Sends `signal` and waits for the end on a thread of its own (see ``blocking(_:)``).
    public func stopped(with signal: Int32) async {
        await blocking { self.stop(with: signal) }
    }

    /// Waits for the process to end on a thread of its own, and returns its exit status.
    public func exited() async -> Int32 {
        await blocking {
            self.process.waitUntilExit()
            self.watchdog.cancel()
            return self.process.terminationStatus
        }
    }
}

/// A loopback port that was free a moment ago (for a child process that needs a fixed port).
public func freeLoopbackPort() throws -> Int {
    let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    defer { close(fd) }
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_addr.s_addr = inet_addr("127.0.0.1")
    address.sin_port = 0
    var length = socklen_t(MemoryLayout<sockaddr_in>.size)
    let bound = withUnsafeMutablePointer(to: &address) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, length) == 0 && getsockname(fd, $0, &length) == 0 }
    }
    guard bound else { throw CancellationError() }
    return Int(UInt16(bigEndian: address.sin_port))
}
