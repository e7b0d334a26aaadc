import ArgumentParser
import Report
import Study
import VASP

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// `cascade parse`: read vasprun.xml files and print a summary or JSON.
struct Parse: CascadeCommand {
    static let configuration = CommandConfiguration(
        abstract: "Read vasprun.xml(.gz) files and summarise them (or print JSON).",
        discussion: """
            A run folder may be given in place of a file: its vasprun.xml or vasprun.xml.gz is read.
            A file cut short by a killed job is read up to its last complete ionic step; the summary
            says so and the exit status is still 0. The exit status is 1 when a file could not be
            read at all.

            Energies are E(σ→0) ("final_energy", pymatgen's convention, repaired for VASP 5's
            wrong e_0_energy). With --json each file gives one JSON object on one line; the keys
            are listed in docs/json.md.

            Examples:
              cascade parse examples/vasprun.xml
              cascade parse --json --no-projected relax/ static/ > runs.jsonl

            Worked example (the bundled LiH run):
              cascade parse examples/vasprun.xml
            prints, among its lines,
              final energy E(σ→0)   -6.09238023 eV
              gap (eigenvalues)     6.9598 eV indirect; VBM -3.9722, CBM 2.9876
            and `cascade parse --json examples/vasprun.xml` gives "final_energy": -6.09238023.
            """)

    @Argument(help: "vasprun.xml files (plain or .gz) or run folders. Default: the bundled example.")
    var files: [String] = []

    @Flag(help: "One JSON object per file, one per line.")
    var json = false

    @Flag(name: .customLong("no-dos"), help: "Skip the density of states (faster).")
    var noDOS = false

    @Flag(name: .customLong("no-eigen"), help: "Skip eigenvalues (no band gap then).")
    var noEigen = false

    @Flag(name: .customLong("no-projected"), help: "Skip projected eigenvalues (the largest block).")
    var noProjected = false

    /// Each file's error is printed as it comes and the others are still read; exit 1 when any failed.
    func execute() throws {
        let options = VasprunOptions(readDOS: !noDOS, readEigenvalues: !noEigen, readProjections: !noProjected)
        var failures = 0
        let inputs = files.isEmpty ? [try Bundled.examplePath()] : files
        for (index, input) in inputs.enumerated() {
            do {
                let bar = ProgressBar(label: input)
                let run = try VasprunRecord.read(input, options: options, progress: { bar.update($0, $1) })
                bar.clear()
                if json {
                    print(VasprunReport.json(run).serialized())
                } else {
                    if index > 0 { print("") }
                    print(VasprunReport.summary(run), terminator: "")
                }
                for warning in run.warnings { printError("warning: \(warning)") }
            } catch {
                failures += 1
                printError("error: " + RunInputs.describe(error, inputs: [input]))
            }
        }
        if failures > 0 { throw ExitCode(1) }
    }
}

/// Writes a line to standard error.
func printError(_ line: String) {
    var stream = StandardError()
    print(line, to: &stream)
}

/// Standard error as a `TextOutputStream`.
struct StandardError: TextOutputStream {
    mutating func write(_ string: String) {
        writeStandardError(string)
    }
}

/// Writes raw text to file descriptor 2 (unbuffered, so it interleaves correctly with stdout).
func writeStandardError(_ text: String) {
    var copy = text
    copy.withUTF8 { bytes in
        guard let base = bytes.baseAddress else { return }
        var offset = 0
        while offset < bytes.count {
            let n = write(2, base + offset, bytes.count - offset)
            if n <= 0 { return }
            offset += n
        }
    }
}
