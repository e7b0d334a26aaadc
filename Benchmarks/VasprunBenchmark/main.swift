// VasprunBenchmark: times `Vasprun.read` on one file, in release mode, outside the test suite.
//
//   swift build -c release --scratch-path .build-bench --product VasprunBenchmark
//   .build-bench/release/VasprunBenchmark FILE [--repeat N] [--no-projected] [--no-dos]
//                                         [--no-eigen] [--chunk BYTES] [--json]
//
// Prints the wall time of each run (CLOCK_MONOTONIC), min and median, the peak RSS of the
// process (getrusage ru_maxrss), the bytes of the arrays the result keeps, and values that
// depend on every number read (final energy, E-fermi, step count, projection sum, ...) so that
// nothing can be optimised away and the values can be compared with the summary JSON written by
// `make_large_vasprun.py --summary`. See docs/performance.md and Benchmarks/run-vasprun.sh.

import Chemistry
import VASP

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

// MARK: - Arguments

func usage() -> Never {
    let text = """
        usage: VasprunBenchmark FILE [--repeat N] [--no-projected] [--no-dos] [--no-eigen]
                                     [--chunk BYTES] [--json]
          --repeat N       read the file N times (default 1); min and median are reported
          --no-projected   skip <projected> (VasprunOptions.readProjections = false)
          --libxml2        libxml2's SAX2 path only (VasprunOptions.xmlPath = .libxml2; default .auto)
          --no-dos         skip <dos>
          --no-eigen       skip <eigenvalues>
          --chunk BYTES    bytes handed to libxml2 per call (default 1 MiB)
          --json           also print one JSON line with the values (for scripts)

        """
    printError(text)
    exit(2)
}

/// Writes to file descriptor 2 (no shared `stderr` global under Swift 6 concurrency checking).
func printError(_ text: String) {
    var copy = text
    copy.withUTF8 { bytes in _ = write(2, bytes.baseAddress, bytes.count) }
}

var file: String?
var repeats = 1
var options = VasprunOptions()
var printJSON = false
do {
    var args = CommandLine.arguments.dropFirst()
    while let arg = args.popFirst() {
        switch arg {
        case "--repeat", "-n":
            guard let v = args.popFirst(), let n = Int(v), n > 0 else { usage() }
            repeats = n
        case "--no-projected": options.readProjections = false
        case "--no-dos": options.readDOS = false
        case "--no-eigen": options.readEigenvalues = false
        case "--chunk":
            guard let v = args.popFirst(), let n = Int(v), n > 0 else { usage() }
            options.chunkSize = n
        case "--libxml2": options.xmlPath = .libxml2
        case "--json": printJSON = true
        case "-h", "--help": usage()
        default:
            if arg.hasPrefix("-") || file != nil { usage() }
            file = arg
        }
    }
}
guard let file else { usage() }

// MARK: - Measuring

func now() -> Double {
    var ts = timespec()
    clock_gettime(CLOCK_MONOTONIC, &ts)
    return Double(ts.tv_sec) + Double(ts.tv_nsec) * 1e-9
}

/// Peak resident set size of this process in bytes (Linux reports ru_maxrss in KiB).
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

/// Current resident set size in bytes from /proc/self/statm (0 where unavailable).
func currentRSS() -> Int {
    guard let f = fopen("/proc/self/statm", "r") else { return 0 }
    defer { fclose(f) }
    var size = 0
    var resident = 0
    guard
        withUnsafeMutablePointer(
            to: &size,
            { s in
                withUnsafeMutablePointer(to: &resident) { r in
                    withVaList([s, r]) { vfscanf(f, "%ld %ld", $0) }
                }
            }) == 2
    else { return 0 }
    return resident * Int(sysconf(Int32(_SC_PAGESIZE)))
}

func fileSize(_ path: String) -> Int {
    var info = stat()
    return stat(path, &info) == 0 ? Int(info.st_size) : 0
}

func mb(_ bytes: Int) -> String { String(format1(Double(bytes) / 1e6)) + " MB" }

func format1(_ x: Double) -> String { formatted(x, decimals: 1) }

/// `%.{decimals}f` without Foundation.
func formatted(_ x: Double, decimals: Int) -> String {
    var buffer = [CChar](repeating: 0, count: 64)
    _ = withVaList([x]) { vsnprintf(&buffer, 64, "%.\(decimals)f", $0) }
    return buffer.withUnsafeBufferPointer { String(cString: $0.baseAddress!) }
}

// MARK: - What the result holds

struct Digest {
    var complete = false
    var warnings = 0
    var steps = 0
    var scfSteps = 0
    var finalEnergy = Double.nan
    var efermi = Double.nan
    var projectedShape: [Int] = []
    var projectedCount = 0
    var projectionSum = 0.0
    var projectionSumPerSpin: [Double] = []
    var eigenShape: [Int] = []
    var eigenvalueSum = 0.0
    var occupationSum = 0.0
    var dosPoints = 0
    var tdosSum = 0.0
    var pdosShape: [Int] = []
    var pdosCount = 0
    var pdosSum = 0.0
    var spots: [(spin: Int, kpoint: Int, band: Int, ion: Int, values: [Float])] = []
    var forceSum = 0.0

    /// Bytes of the large arrays the `Vasprun` keeps (element count × element size).
    var projectedBytes: Int { projectedCount * MemoryLayout<Float>.size }
    var pdosBytes: Int { pdosCount * MemoryLayout<Double>.size }
    var eigenBytes: Int { 2 * eigenShape.reduce(eigenShape.isEmpty ? 0 : 1, *) * MemoryLayout<Double>.size }
    var dosBytes: Int { (dosPoints + 2 * dosPoints * max(1, tdosComponents)) * MemoryLayout<Double>.size }
    var tdosComponents = 0
    var keptBytes: Int { projectedBytes + pdosBytes + eigenBytes + dosBytes }
}

func digest(_ run: Vasprun) -> Digest {
    var d = Digest()
    d.complete = run.complete
    d.warnings = run.warnings.count
    d.steps = run.ionicSteps.count
    d.scfSteps = run.ionicSteps.reduce(0) { $0 + $1.scfStepCount }
    d.finalEnergy = run.finalEnergy ?? .nan
    d.efermi = run.efermi ?? .nan
    d.forceSum = run.ionicSteps.reduce(0.0) { acc, step in
        step.forces.reduce(acc) { $0 + $1.x + $1.y + $1.z }
    }
    if let p = run.projected {
        let w = p.weights
        d.projectedShape = w.shape
        d.projectedCount = w.count
        // Sum in the file's units of 1e-4 as integers: exact, comparable with the generator's
        // integer checksum (VASP prints the weights with 4 decimals).
        let perSpin = w.count / max(1, w.shape[0])
        var total: Int64 = 0
        w.values.withUnsafeBufferPointer { buf in
            for s in 0..<w.shape[0] {
                var spinTotal: Int64 = 0
                for x in buf[(s * perSpin)..<((s + 1) * perSpin)] {
                    // Nearest integer (each value is within 1e-3 of one) by truncation: a libm
                    // `round` call per value made this checksum ~8 % of the process's CPU time.
                    let scaled = Double(x) * 1e4
                    spinTotal &+= Int64(scaled + (scaled < 0 ? -0.5 : 0.5))
                }
                d.projectionSumPerSpin.append(Double(spinTotal) / 1e4)
                total &+= spinTotal
            }
        }
        d.projectionSum = Double(total) / 1e4
        // The generator's spot values: (spin, kpoint) in {(0,0), (0,nk/2), (last,last)},
        // (band, ion) in {(0,0), (nb/2,ni/2), (nb-1,ni-1)}.
        if w.rank == 5 {
            let (ns, nk, nb, ni) = (w.shape[0], w.shape[1], w.shape[2], w.shape[3])
            // In the generator's order (file order), without repeats (nk = 1 gives one (0, 0)).
            var pairs: [(Int, Int)] = []
            for pair in [(0, 0), (0, nk / 2), (ns - 1, nk - 1)] where !pairs.contains(where: { $0 == pair }) {
                pairs.append(pair)
            }
            for (s, k) in pairs {
                for (b, i) in [(0, 0), (nb / 2, ni / 2), (nb - 1, ni - 1)] {
                    d.spots.append((s, k, b, i, Array(w.row(s, k, b, i))))
                }
            }
        }
    }
    if let e = run.eigenvalues {
        d.eigenShape = e.energies.shape
        // Rounded to the printed 4 decimals, as the generator sums them.
        d.eigenvalueSum = e.energies.values.reduce(0.0) { $0 + ($1 * 1e4).rounded() } / 1e4
        d.occupationSum = e.occupations.values.reduce(0.0, +)
    }
    if let dos = run.dos {
        d.dosPoints = dos.energies.count
        d.tdosComponents = dos.componentCount
        d.tdosSum = dos.total.values.reduce(0.0) { $0 + ($1 * 1e4).rounded() } / 1e4
        if let p = dos.partial {
            d.pdosShape = p.shape
            d.pdosCount = p.count
            d.pdosSum = p.values.reduce(0.0, +)
        }
    }
    return d
}

// MARK: - Run

let size = fileSize(file)
let baselineRSS = currentRSS()
print("file: \(file) (\(size) bytes, \(mb(size)))")
print(
    "options: projected \(options.readProjections), dos \(options.readDOS), eigen \(options.readEigenvalues), chunk \(options.chunkSize) B, repeat \(repeats)")

var times: [Double] = []
var last: Digest?
var firstPeak = 0
for i in 0..<repeats {
    let t0 = now()
    let run: Vasprun
    do {
        run = try Vasprun.read(path: file, options: options)
    } catch {
        printError("error: \(error)\n")
        exit(1)
    }
    let t1 = now()
    let d = digest(run)
    times.append(t1 - t0)
    let rate = Double(size) / 1e6 / (t1 - t0)
    print("run \(i + 1): \(formatted(t1 - t0, decimals: 3)) s  (\(format1(rate)) MB/s)  RSS now \(mb(currentRSS())), peak \(mb(peakRSS()))")
    last = d
    if i == 0 { firstPeak = peakRSS() }
}

let sorted = times.sorted()
let minimum = sorted[0]
let median = sorted.count % 2 == 1 ? sorted[sorted.count / 2] : (sorted[sorted.count / 2 - 1] + sorted[sorted.count / 2]) / 2
let peak = peakRSS()
let d = last!

print("")
print(
    "wall time: min \(formatted(minimum, decimals: 3)) s, median \(formatted(median, decimals: 3)) s over \(repeats) run(s); \(format1(Double(size) / 1e6 / minimum)) MB/s at best"
)
print("peak RSS: \(mb(firstPeak)) after run 1, \(mb(peak)) after all runs (ru_maxrss; baseline before reading \(mb(baselineRSS)))")
print("arrays kept:")
print("  projected weights \(d.projectedShape) × 4 B = \(mb(d.projectedBytes))")
print("  partial DOS       \(d.pdosShape) × 8 B = \(mb(d.pdosBytes))")
print("  eigenvalues+occ   2 × \(d.eigenShape) × 8 B = \(mb(d.eigenBytes))")
print("  total DOS         (grid + 2 × \(d.tdosComponents) × \(d.dosPoints)) × 8 B = \(mb(d.dosBytes))")
print("  sum               \(mb(d.keptBytes));  peak RSS (run 1) − arrays = \(mb(firstPeak - d.keptBytes))")
print("values:")
print("  complete \(d.complete), warnings \(d.warnings), ionic steps \(d.steps), SCF steps \(d.scfSteps)")
print("  final energy \(formatted(d.finalEnergy, decimals: 8)) eV, E-fermi \(formatted(d.efermi, decimals: 8)) eV")
print("  projection sum \(formatted(d.projectionSum, decimals: 4)) (per spin \(d.projectionSumPerSpin.map { formatted($0, decimals: 4) }))")
print("  eigenvalue sum \(formatted(d.eigenvalueSum, decimals: 4)), occupation sum \(formatted(d.occupationSum, decimals: 4))")
print(
    "  total DOS sum \(formatted(d.tdosSum, decimals: 4)), partial DOS sum \(formatted(d.pdosSum, decimals: 4)), force sum \(formatted(d.forceSum, decimals: 8))"
)
for s in d.spots {
    print("  spot spin \(s.spin) kpoint \(s.kpoint) band \(s.band) ion \(s.ion): \(s.values.map { formatted(Double($0), decimals: 4) }.joined(separator: " "))")
}

if printJSON {
    func list(_ xs: [Int]) -> String { "[" + xs.map(String.init).joined(separator: ",") + "]" }
    func num(_ x: Double, _ decimals: Int) -> String { x.isFinite ? formatted(x, decimals: decimals) : "null" }
    let spots = d.spots.map { s in
        "{\"spin\":\(s.spin),\"kpoint\":\(s.kpoint),\"band\":\(s.band),\"ion\":\(s.ion),\"values\":["
            + s.values.map { formatted(Double($0), decimals: 4) }.joined(separator: ",") + "]}"
    }
    var fields: [String] = []
    fields.append("\"file_bytes\":\(size)")
    fields.append("\"times\":[" + times.map { formatted($0, decimals: 4) }.joined(separator: ",") + "]")
    fields.append("\"min_seconds\":\(formatted(minimum, decimals: 4))")
    fields.append("\"median_seconds\":\(formatted(median, decimals: 4))")
    fields.append("\"peak_rss_bytes\":\(peak)")
    fields.append("\"peak_rss_first_run_bytes\":\(firstPeak)")
    fields.append("\"kept_bytes\":\(d.keptBytes)")
    fields.append("\"projected_bytes\":\(d.projectedBytes)")
    fields.append("\"pdos_bytes\":\(d.pdosBytes)")
    fields.append("\"eigen_bytes\":\(d.eigenBytes)")
    fields.append("\"complete\":\(d.complete)")
    fields.append("\"warnings\":\(d.warnings)")
    fields.append("\"nionic_steps\":\(d.steps)")
    fields.append("\"final_energy_e0\":\(num(d.finalEnergy, 8))")
    fields.append("\"efermi\":\(num(d.efermi, 8))")
    fields.append("\"projection_shape\":\(list(d.projectedShape))")
    fields.append("\"projection_sum\":\(num(d.projectionSum, 4))")
    fields.append("\"eigen_shape\":\(list(d.eigenShape))")
    fields.append("\"eigenvalue_sum\":\(num(d.eigenvalueSum, 4))")
    fields.append("\"nedos\":\(d.dosPoints)")
    fields.append("\"tdos_sum\":\(num(d.tdosSum, 4))")
    fields.append("\"pdos_shape\":\(list(d.pdosShape))")
    fields.append("\"spot_projections\":[" + spots.joined(separator: ",") + "]")
    print("JSON " + "{" + fields.joined(separator: ",") + "}")
}
