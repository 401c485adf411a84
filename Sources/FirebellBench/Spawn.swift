import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// A child process started with `posix_spawn` and waited for with `waitpid`: Foundation's `Process.waitUntilExit`
/// was seen spinning forever on a cooperative thread after its child had exited.
struct Spawn {
    let pid: pid_t
    private let output: Int32?

    /// Starts `executable` with `arguments`; with `captureOutput`, its standard output is readable by
    /// ``finish()``, else it goes nowhere.
    init(
        _ executable: String,
        _ arguments: [String],
        environment: [String: String]? = nil,
        captureOutput: Bool = false
    )
        throws
    {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        var pipeEnds: [Int32] = [-1, -1]
        if captureOutput {
            guard pipe(&pipeEnds) == 0 else { throw BenchmarkError("pipe: errno \(errno)") }
            posix_spawn_file_actions_adddup2(&actions, pipeEnds[1], 1)
            posix_spawn_file_actions_addclose(&actions, pipeEnds[0])
        } else {
            posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0)
        }
        posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0)
        let argv = ([executable] + arguments).map { strdup($0) } + [nil]
        defer { for pointer in argv { free(pointer) } }
        let environment = (environment ?? ProcessInfo.processInfo.environment).map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer { for pointer in environment { free(pointer) } }
        // The child starts with no signal blocked (the spawning thread may block some, and a child inherits its
        // mask: gunicorn would then ignore the signal that stops it).
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var none = sigset_t()
        sigemptyset(&none)
        posix_spawnattr_setsigmask(&attributes, &none)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGMASK))
        var pid: pid_t = 0
        let spawned = posix_spawn(&pid, executable, &actions, &attributes, argv, environment)
        if captureOutput { close(pipeEnds[1]) }
        guard spawned == 0 else {
            if captureOutput { close(pipeEnds[0]) }
            throw BenchmarkError("could not start \(executable): errno \(spawned)")
        }
        self.pid = pid
        output = captureOutput ? pipeEnds[0] : nil
    }

    /// Reads one line of the captured output (without its newline); nil at its end.
    func readLine() -> String? {
        guard let output else { return nil }
        var bytes: [UInt8] = []
        var byte: UInt8 = 0
        while true {
            let count = read(output, &byte, 1)
            if count < 0 && errno == EINTR { continue }
            guard count == 1 else { return bytes.isEmpty ? nil : String(decoding: bytes, as: UTF8.self) }
            if byte == 0x0A { return String(decoding: bytes, as: UTF8.self) }
            bytes.append(byte)
        }
    }

    /// Reads the output to its end (if captured) and waits for the exit; returns the output and the exit status.
    @discardableResult
    func finish() -> (output: String, status: Int32) {
        var bytes: [UInt8] = []
        if let output {
            var buffer = [UInt8](repeating: 0, count: 65536)
            while true {
                let count = buffer.withUnsafeMutableBytes { read(output, $0.baseAddress, $0.count) }
                if count > 0 { bytes += buffer[0..<count] } else if count < 0 && errno == EINTR { continue } else { break }
            }
            close(output)
        }
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
        return (String(decoding: bytes, as: UTF8.self), (status >> 8) & 0xFF)
    }

    /// ``finish()`` on a thread of its own: a task waiting for a child must not block one of the cooperative pool's
    /// threads (two on two cores), or the server under test would run on one for as long as the child runs.
    func finished() async -> (output: String, status: Int32) {
        await Self.offThread { finish() }
    }

    /// ``readLine()`` on a thread of its own (as ``finished()``).
    func line() async -> String? {
        await Self.offThread { readLine() }
    }

    static func offThread<T: Sendable>(_ body: @escaping @Sendable () -> T) async -> T {
        await withCheckedContinuation { continuation in
            Thread.detachNewThread { continuation.resume(returning: body()) }
        }
    }

    /// Stops the child with `signal` and waits for it (gunicorn's quick shutdown is SIGINT).
    func stop(with signal: Int32 = SIGINT) {
        kill(pid, signal)
        finish()
    }
}
