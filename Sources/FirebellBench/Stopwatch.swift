import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// Wall-clock timing and percentiles for the benchmark.
enum Stopwatch {
    static func seconds(_ work: () throws -> Void) rethrows -> Double {
        let start = ContinuousClock.now
        try work()
        return (ContinuousClock.now - start) / .seconds(1)
    }

    static func secondsAsync(_ work: () async throws -> Void) async rethrows -> Double {
        let start = ContinuousClock.now
        try await work()
        return (ContinuousClock.now - start) / .seconds(1)
    }

    /// The p-th percentile (0…100) of samples, nearest rank.
    static func percentile(_ samples: [Double], _ p: Double) -> Double {
        let sorted = samples.sorted()
        let rank = Int((p / 100 * Double(sorted.count)).rounded(.up)) - 1
        return sorted[max(0, min(sorted.count - 1, rank))]
    }

    /// `median (min–max)` of repeated figures, each printed with `format`; a dash when there are none.
    static func spread(_ values: [Double], _ format: String) -> String {
        guard !values.isEmpty else { return "—" }
        let sorted = values.sorted()
        return String(format: format, percentile(sorted, 50)) + " (" + String(format: format, sorted.first!) + "–"
            + String(format: format, sorted.last!) + ")"
    }

    /// Appends made durable per sync between two readings of a group commit's statistics (since its start when
    /// `earlier` is left out): how many commands shared each flush.
    static func appendsPerSync(_ later: (groups: Int, files: Int), since earlier: (groups: Int, files: Int) = (0, 0)) -> Double {
        Double(later.files - earlier.files) / Double(max(later.groups - earlier.groups, 1))
    }

    /// Each run's figure divided by the reference measured in the same run.
    static func ratios(_ numerator: [Double], _ denominator: [Double]) -> [Double] { zip(numerator, denominator).map { $0 / max($1, 0.001) } }

    /// Resident memory of this process now, in bytes (Linux /proc).
    static func currentResidentBytes() -> Int {
        guard let text = try? String(contentsOfFile: "/proc/self/statm", encoding: .utf8) else { return 0 }
        let pages = text.split(separator: " ").dropFirst().first.flatMap { Int($0) } ?? 0
        return pages * Int(sysconf(Int32(_SC_PAGESIZE)))
    }

    /// User and system CPU time this process has used, in seconds.
    static func cpuSeconds() -> Double {
        var usage = rusage()
        getrusage(RUSAGE_SELF.rawValue, &usage)
        func seconds(_ time: timeval) -> Double { Double(time.tv_sec) + Double(time.tv_usec) / 1_000_000 }
        return seconds(usage.ru_utime) + seconds(usage.ru_stime)
    }

    /// Peak resident memory of this process, in MiB.
    static func peakResidentMiB() -> Double {
        var usage = rusage()
        getrusage(RUSAGE_SELF.rawValue, &usage)
        return Double(usage.ru_maxrss) / 1024
    }
}
