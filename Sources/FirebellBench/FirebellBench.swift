import Foundation

/// `firebell-bench [--scale N] [--dir PATH]`: engine, append and replay figures for the README.
@main
enum FirebellBench {
    static func main() async throws {
        var scale = 10_000
        var incidents = 100_000
        var burst = 10_000
        var rate = 500
        var httpSeconds = 10
        var only: String?
        var keep = false
        var restarts = 5
        var runs = 3
        var port = 0
        var endpoints = ""
        var ttl = 3
        var directory = URL(fileURLWithPath: FileManager.default.currentDirectoryPath).appendingPathComponent(".bench-data")
        var arguments = CommandLine.arguments.dropFirst()
        while let flag = arguments.popFirst() {
            switch flag {
            case "--scale": scale = Int(arguments.popFirst() ?? "") ?? scale
            case "--incidents": incidents = Int(arguments.popFirst() ?? "") ?? incidents
            case "--burst": burst = Int(arguments.popFirst() ?? "") ?? burst
            case "--dir": directory = URL(fileURLWithPath: arguments.popFirst() ?? directory.path)
            case "--rate": rate = Int(arguments.popFirst() ?? "") ?? rate
            case "--http-seconds": httpSeconds = Int(arguments.popFirst() ?? "") ?? httpSeconds
            case "--only":
                only = arguments.popFirst()
                // A restart measures the folder a kept run left; it must leave it for the next one.
                if only == "restart" { keep = true }
            case "--keep": keep = true
            case "--restarts": restarts = Int(arguments.popFirst() ?? "") ?? restarts
            case "--runs": runs = Int(arguments.popFirst() ?? "") ?? runs
            case "--port": port = Int(arguments.popFirst() ?? "") ?? port
            case "--endpoints": endpoints = arguments.popFirst() ?? endpoints
            case "--ttl": ttl = Int(arguments.popFirst() ?? "") ?? ttl
            default:
                print(
                    "usage: firebell-bench [--scale N] [--incidents N] [--burst N] [--rate N] [--http-seconds N] [--only http|saturation|throughput|timers|startup|restart|cluster] [--runs N] [--keep] [--restarts N] [--dir PATH]"
                        + "   (the folder must be on the disk you will run on; --keep leaves the start-up data for `--only restart`)"
                )
                exit(2)
            }
        }
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { if !keep { try? FileManager.default.removeItem(at: directory) } }
        print(
            "Firebell benchmark: \(ProcessInfo.processInfo.activeProcessorCount) cores, \(ProcessInfo.processInfo.physicalMemory >> 30) GiB, scale \(scale), data in \(directory.path)"
        )
        let benchmarks = Benchmarks(scale: scale, directory: directory)
        let http = HTTPBenchmarks(runs: runs, rate: rate, seconds: httpSeconds, channels: 1000, directory: directory, report: benchmarks.report)
        let throughput = ThroughputBenchmarks(channels: 1000, commands: 50_000, inFlight: 256, directory: directory, report: benchmarks.report)
        let startup = StartupBenchmarks(channels: 10_000, eventsPerChannel: 100, directory: directory, report: benchmarks.report)
        let saturation = SaturationBenchmarks(runs: runs, seconds: httpSeconds / 2, channels: 100, directory: directory, report: benchmarks.report)
        switch only {
        case "http": return try await http.run()
        case "saturation": return try await saturation.run()
        case "client": return await SaturationBenchmarks.client(port: port, rate: rate, seconds: httpSeconds, channels: 100)
        case "throughput": return try await throughput.run()
        case "cluster": return try await ClusterBenchmarks(runs: runs, directory: directory, report: benchmarks.report).run()
        case "candidate": return await ClusterBenchmarks.candidate(endpoints: endpoints, ttl: ttl)
        case "timers":
            return try await TimerBenchmarks(incidents: incidents, burst: min(burst, incidents), directory: directory, report: benchmarks.report)
                .run()
        case "startup":
            try await startup.run()
            // A restart is a fresh process: measured in one.
            return try runInFreshProcess(["--only", "restart", "--restarts", "\(restarts)", "--dir", directory.path])
        case "restart":
            do { return try await startup.restart(times: restarts) } catch {
                print("firebell-bench: \(error)")
                exit(1)
            }
        default: break
        }
        try benchmarks.engineThroughput()
        try benchmarks.appendLatency()
        try benchmarks.replaySpeed()
        try await TimerBenchmarks(incidents: incidents, burst: min(burst, incidents), directory: directory, report: benchmarks.report).run()
        try await throughput.run()
        try await http.run()
        try await saturation.run()
        // Start-up is measured in a fresh process, not in this heap of 700 MiB left by the figures above.
        try runInFreshProcess(["--only", "startup", "--restarts", "\(restarts)", "--dir", directory.appendingPathComponent("fresh").path])
        benchmarks.report("peak resident memory", String(format: "%.0f MiB", Stopwatch.peakResidentMiB()), "")
    }

    private static func runInFreshProcess(_ arguments: [String]) throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: CommandLine.arguments[0])
        process.arguments = arguments
        let output = Pipe()
        process.standardOutput = output
        try process.run()
        let text = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        // The child's first line repeats the machine description.
        print(text.split(separator: "\n").dropFirst().joined(separator: "\n"))
    }
}
