// ChgcarBenchmark: times `Volumetric.read` (CHGCAR, AECCAR, LOCPOT, ELFCAR …) in release mode, outside
// the test suite.
//
//   swift build -c release --scratch-path .build-bench --product ChgcarBenchmark
//   .build-bench/release/ChgcarBenchmark FILE [--repeat N] [--blocks N] [--json]
//
// Prints the wall time of each read (CLOCK_MONOTONIC), min and median, the throughput, the peak RSS
// (getrusage ru_maxrss) and values that depend on every number read (the sum and mean of each block,
// and the values at the spot points of `make_large_chgcar.py --summary`), so that nothing can be
// optimised away and the result can be checked against the generator's summary JSON.
// See docs/performance-volumetric.md and Benchmarks/run-chgcar.sh.

import Chemistry
import VASP

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

func usage() -> Never {
    printError(
        """
        usage: ChgcarBenchmark FILE [--repeat N] [--blocks N] [--json]
          --repeat N   read the file N times (default 5); min and median are reported
          --blocks N   read at most N data blocks (default: all)
          --json       also print one JSON line with the numbers (for scripts)

        """)
    exit(2)
}

/// Writes to file descriptor 2 (no shared `stderr` global under Swift 6 concurrency checking).
func printError(_ text: String) {
    var copy = text
    copy.withUTF8 { bytes in _ = write(2, bytes.baseAddress, bytes.count) }
}

var file: String?
var repeats = 5
var maxBlocks: Int?
var printJSON = false
do {
    var args = CommandLine.arguments.dropFirst()
    while let arg = args.popFirst() {
        switch arg {
        case "--repeat", "-n":
            guard let v = args.popFirst(), let n = Int(v), n > 0 else { usage() }
            repeats = n
        case "--blocks":
            guard let v = args.popFirst(), let n = Int(v), n > 0 else { usage() }
            maxBlocks = n
        case "--json": printJSON = true
        case "-h", "--help": usage()
        default:
            if arg.hasPrefix("-") || file != nil { usage() }
            file = arg
        }
    }
}
guard let file else { usage() }

func now() -> Double {
    var ts = timespec()
    clock_gettime(CLOCK_MONOTONIC, &ts)
    return Double(ts.tv_sec) + Double(ts.tv_nsec) * 1e-9
}

func peakRSS() -> Int {
    var usage = rusage()
    #if os(Linux)
    getrusage(__rusage_who_t(RUSAGE_SELF.rawValue), &usage)
    return Int(usage.ru_maxrss) * 1024
    #else
    getrusage(RUSAGE_SELF, &usage)
    return Int(usage.ru_maxrss)
    #endif
}

func fileSize(_ path: String) -> Int {
    var info = stat()
    return stat(path, &info) == 0 ? Int(info.st_size) : 0
}

/// `%.{decimals}f` / `%.{decimals}g` without Foundation.
func formatted(_ x: Double, _ pattern: String) -> String {
    var buffer = [CChar](repeating: 0, count: 64)
    _ = withVaList([x]) { vsnprintf(&buffer, 64, pattern, $0) }
    return buffer.withUnsafeBufferPointer { String(cString: $0.baseAddress!) }
}

var times: [Double] = []
var last: Volumetric?
for _ in 0..<repeats {
    last = nil  // free the previous result first, so the peak RSS is that of one read
    let start = now()
    do {
        last = try Volumetric.read(path: file, maxBlocks: maxBlocks)
    } catch {
        printError("error: \(error)\n")
        exit(1)
    }
    times.append(now() - start)
}
guard let v = last else { exit(1) }
let sorted = times.sorted()
let best = sorted[0]
let median = sorted[sorted.count / 2]
let size = fileSize(file)
let d = v.dimensions
print("file        \(file) (\(formatted(Double(size) / 1e6, "%.1f")) MB)")
print("grid        \(d.x) × \(d.y) × \(d.z), \(v.blocks.count) block(s), \(v.structure.count) atoms, kind \(v.kind.rawValue)")
print("runs        " + times.map { formatted($0, "%.4f") }.joined(separator: " ") + " s")
print("min         \(formatted(best, "%.4f")) s  (\(formatted(Double(size) / best / 1e6, "%.0f")) MB/s)")
print("median      \(formatted(median, "%.4f")) s")
print("peak RSS    \(formatted(Double(peakRSS()) / 1e6, "%.1f")) MB (values kept: \(formatted(Double(v.blocks.count * v.total.count * 8) / 1e6, "%.1f")) MB)")
for (k, block) in v.blocks.enumerated() {
    print(
        "block \(k + 1)     sum \(formatted(block.grid.sum, "%.10g"))  mean \(formatted(block.grid.mean, "%.10g"))  "
            + "value(0,0,0) \(formatted(block.grid[0, 0, 0], "%.11g"))  value(last) \(formatted(block.grid[d.x - 1, d.y - 1, d.z - 1], "%.11g"))")
}
for warning in v.warnings { print("warning     \(warning)") }
if printJSON {
    let sums = v.blocks.map { formatted($0.grid.sum, "%.17g") }.joined(separator: ",")
    print(
        "{\"file\":\"\(file)\",\"bytes\":\(size),\"min_s\":\(formatted(best, "%.6f")),\"median_s\":\(formatted(median, "%.6f")),"
            + "\"peak_rss\":\(peakRSS()),\"block_sums\":[\(sums)]}")
}
