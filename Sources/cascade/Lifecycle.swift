import ArgumentParser
import Files
import Foundation
import Lifecycle
import Report
import Study
import VASP

/// What `submit`, `status` and `resume` share: the manifest and the run tree, found as `generate` and
/// `tabulate` find them (STUDY defaults to the bundled study, --runs to ./<study name>/).
struct StudyLocation: ParsableArguments {
    @OptionGroup var manifestFile: ManifestArgument

    @Option(name: .long, help: "The run tree. Default: ./<study name>/ (what `cascade generate` writes), else runs/ beside the manifest.")
    var runs: String?

    @Option(name: .long, help: "Seconds each sbatch/squeue/scontrol/scancel call may take.")
    var slurmTimeout: Double = 30

    func lifecycle() throws -> StudyLifecycle {
        let manifest = try manifestFile.load()
        let folder = runs ?? Tabulate.defaultRuns(manifest)
        guard FileSystem.isDirectory(folder) else { throw LifecycleError.noRuns(folder) }
        return StudyLifecycle(manifest: manifest, runs: folder, slurm: Slurm(timeout: slurmTimeout))
    }
}

/// `cascade submit`.
struct Submit: CascadeCommand {
    static let configuration = CommandConfiguration(
        abstract: "Submit a generated study to SLURM in dependency order (afterok chains); idempotent.",
        discussion: """
            Submits every calculation that `cascade generate` wrote (its folder has job.sh), that has no \
            VASP output yet and that is not in the queue, in dependency order: `sbatch --parsable \
            [--dependency=afterok:ID…] job.sh` in its folder, waiting for the parents still queued or \
            running. Converged parents are not waited for; a parent that failed, timed out, is \
            unconverged or not submitted keeps its dependants back (run `cascade resume`). A second \
            `submit` submits nothing that is queued, running or done.

            Every submission (job id, time, calculation, SHA-256 of INCAR/KPOINTS/POSCAR/job.sh) goes \
            into the journal RUNS/.cascade/journal.sqlite. Deleting the journal loses only job ids: \
            jobs still queued are found again by their working folder. `submit.sh` (from generate) \
            remains for clusters without Cascade.

            Examples:
              cascade submit --dry-run
              cascade submit study.yaml --runs runs
              cascade submit --only 'relax/*'
            """)

    @OptionGroup var location: StudyLocation

    @Option(name: .long, help: "Only calculations whose folder matches this shell pattern (repeatable).")
    var only: [String] = []

    @Flag(name: .long, help: "Print the sbatch lines and submit nothing.")
    var dryRun = false

    func execute() throws {
        let life = try location.lifecycle()
        let report = try life.submit(only: only, dryRun: dryRun)
        SubmitPrinter.print(report, dryRun: dryRun)
    }
}

enum SubmitPrinter {
    static func print(_ report: StudyLifecycle.SubmitReport, dryRun: Bool) {
        for w in report.warnings { printError("warning: \(w)") }
        for s in report.submitted {
            if dryRun {
                Swift.print("would submit \(s.calculation): \(s.commandLine)")
            } else {
                let after = s.afterOK.isEmpty ? "" : " (afterok:\(s.afterOK.joined(separator: ":")))"
                Swift.print("submitted \(s.calculation): job \(s.jobID ?? "?")\(after)")
            }
        }
        for s in report.skipped { printError("not submitted: \(s)") }
        let n = report.submitted.count
        printError(dryRun ? "dry run: \(n) job\(n == 1 ? "" : "s") would be submitted" : "\(n) job\(n == 1 ? "" : "s") submitted")
    }
}

/// `cascade status`.
struct Status: CascadeCommand {
    static let configuration = CommandConfiguration(
        abstract: "Where every calculation of a study stands: files on disk joined with SLURM.",
        discussion: """
            One line per calculation, in dependency order: not-generated, generated (ready to submit), \
            pending (with SLURM's reason: Dependency, Priority, Resources), running (ionic step and SCF \
            step from OSZICAR, last energy and largest force read from the growing output against \
            |EDIFFG|; per image for an NEB; elapsed of the time limit), \
            converged, unconverged, failed (with the cause: ZBRENT, EDDDAV/ZHEGV, Sub-Space-Matrix, \
            BRMIX, POSMAP, too few bands, out of memory, killed …, and the line that says so), timeout, \
            cancelled, blocked (a parent failed, so SLURM will never start it: the parent is named).

            SLURM is asked with `squeue --me -t all` (finished jobs stay there for MinJobAge) and \
            `scontrol show job`; `sacct` is not needed. Without SLURM (a laptop with a copy of the \
            tree) the files alone are read and a warning says so. Exit 0 (it is a report). \
            Finished runs are read once: what they contain is kept in the journal's status cache \
            (RUNS/.cascade/journal.sqlite), keyed by each output file's size, modification time and a \
            hash of its ends, so a later status reads only what changed.

            --watch looks again every --interval seconds (default 10) until nothing is pending or \
            running: on a terminal the table is redrawn in place; piped, only the calculations whose \
            state changed are printed, one tab-separated line each (time, calculation, state, job, detail).

            Examples:
              cascade status
              cascade status --watch --interval 30
              cascade status study.yaml --runs runs --format md
              cascade status --format json > status.json
            """)

    @OptionGroup var location: StudyLocation

    @OptionGroup var output: OutputFormat

    @Flag(name: .long, help: "Look again every --interval seconds until nothing is pending or running: redrawn on a terminal, only the changes when piped.")
    var watch = false

    @Option(name: .long, help: "Seconds between two looks with --watch.")
    var interval: Double = 10

    func validate() throws {
        if !(interval >= 1) { throw ValidationError("--interval must be at least 1 second, got \(interval)") }
    }

    func execute() throws {
        let life = try location.lifecycle()
        guard watch else {
            let status = try life.status()
            for w in status.warnings { printError("warning: \(w)") }
            Swift.print(StatusTable.make(status).render(output.format.tableFormat), terminator: "")
            return
        }
        let terminal = isatty(1) != 0
        var seen: [String: String] = [:]
        while true {
            let status = try life.status()
            let stamp = ISO8601DateFormatter().string(from: Date())
            if terminal {
                Swift.print("\u{1B}[H\u{1B}[2J\(stamp)  (every \(ReportNumber.general(interval, significant: 6)) s; Ctrl-C stops)")
                for w in status.warnings { Swift.print("warning: \(w)") }
                Swift.print(StatusTable.make(status).render(output.format.tableFormat), terminator: "")
            } else {
                // Piped: one line per calculation whose state or detail changed.
                // (The elapsed time alone is not a change: state, job, ionic step and cause are.)
                for c in status.calculations {
                    let key = "\(c.state.rawValue) \(c.jobID ?? "-") \(c.disk.ionicSteps ?? -1) \(c.cause?.rawValue ?? "")"
                    if seen[c.name] != key {
                        Swift.print("\(stamp)\t\(c.name)\t\(c.state.rawValue)\t\(c.jobID ?? "-")\t\(c.detail)")
                        seen[c.name] = key
                    }
                }
            }
            fflush(nil)  // every output stream: the lines reach a pipe now, not at exit
            if !status.calculations.contains(where: { $0.state == .pending || $0.state == .running }) {
                if terminal { Swift.print("nothing pending or running: done") }
                return
            }
            Thread.sleep(forTimeInterval: interval)
        }
    }
}

enum StatusTable {
    static func make(_ s: StudyRunStatus) -> Table {
        var table = Table(
            title: "Study \(s.study): \(s.calculations.count) calculation\(s.calculations.count == 1 ? "" : "s") in \(s.runs)",
            columns: [
                TableColumn(key: "calculation", title: "calculation"),
                TableColumn(key: "state", title: "state"),
                TableColumn(key: "job", title: "job"),
                TableColumn(key: "ionic_steps", title: "ionic"),
                TableColumn(key: "scf_step", title: "SCF"),
                TableColumn(key: "energy", title: "E", unit: "eV", decimals: 4),
                TableColumn(key: "max_force", title: "max F", unit: "eV/Å", decimals: 3),
                TableColumn(key: "cause", title: "cause"),
                TableColumn(key: "detail", title: "detail")
            ])
        for c in s.calculations {
            let showNumbers = c.disk.hasOutputs
            table.append([
                .text(c.name), .text(c.state.rawValue), c.jobID.map(TableCell.text) ?? .empty,
                showNumbers ? (c.disk.ionicSteps.map(TableCell.integer) ?? .empty) : .empty,
                c.scfStep.map(TableCell.integer) ?? .empty,
                showNumbers ? (c.disk.energy.map(TableCell.number) ?? .empty) : .empty,
                showNumbers ? (c.disk.maxForce.map(TableCell.number) ?? .empty) : .empty,
                c.cause.map { .text($0.rawValue) } ?? (c.blockedBy.map { .text("parent \($0)") } ?? .empty),
                .text(c.detail)
            ])
        }
        let counts = RunState.allCases.compactMap { st -> String? in
            let n = s.count(st)
            return n > 0 ? "\(n) \(st.rawValue)" : nil
        }
        table.notes.append(counts.joined(separator: ", "))
        if !s.schedulerAnswered { table.notes.append("SLURM did not answer: states from the files only") }
        return table
    }
}

/// `cascade resume`.
struct Resume: CascadeCommand {
    static let configuration = CommandConfiguration(
        abstract: "Apply one remedy to each failed calculation, keep the old files, resubmit it and its blocked dependants.",
        discussion: """
            For every calculation that failed, timed out or did not converge, one remedy by cause: \
            wall time, ionic non-convergence, a killed or cancelled run → continue from CONTCAR \
            (POSCAR ← CONTCAR; up to 3 times); ZBRENT → IBRION = 1 and continue from CONTCAR; \
            EDDDAV/ZHEGV and electronic non-convergence → ALGO = All; Sub-Space-Matrix → LREAL = .FALSE.; \
            BRMIX → IMIX = 1; too few bands → NBANDS × 1.1. POSMAP, out of memory and a job without \
            output are given up with the reason, as is any remedy already tried.

            The previous run's files go into a numbered folder inside the calculation (attempt-1/, \
            attempt-2/ …: the inputs copied, the outputs moved, cascade-remedy.txt saying what was \
            changed); nothing is deleted. The INCAR diff is printed. Then the jobs SLURM left pending \
            with DependencyNeverSatisfied are cancelled and everything that can run is submitted again \
            as `cascade submit` would. A resume interrupted half-way is completed by the next one.

            Examples:
              cascade resume --dry-run
              cascade resume study.yaml --runs runs
            """)

    @OptionGroup var location: StudyLocation

    @Option(name: .long, help: "Only remedy calculations whose folder matches this shell pattern (repeatable).")
    var only: [String] = []

    @Flag(name: .long, help: "Say what would be done and change nothing.")
    var dryRun = false

    func execute() throws {
        let life = try location.lifecycle()
        let report = try life.resume(only: only, dryRun: dryRun)
        for c in report.completed { printError("note: \(c)") }
        for a in report.actions {
            print("\(a.calculation): \(a.state.rawValue): \(a.cause.summary)")
            if let giveUp = a.giveUp {
                print("  gave up: \(giveUp)")
                continue
            }
            guard let remedy = a.remedy else { continue }
            print("  remedy: \(remedy.name)")
            if let attempt = a.attemptFolder {
                let rel = attempt.hasPrefix(life.runs + "/") ? String(attempt.dropFirst(life.runs.count + 1)) : attempt
                print(
                    "  \(dryRun ? "would keep" : "kept") the previous run in \(rel)/ (\(a.moved.count) output file\(a.moved.count == 1 ? "" : "s") moved, inputs copied)"
                )
            }
            if let from = a.poscarFrom { print("  POSCAR ← \(from)") }
            for note in a.notes { print("  note: \(note)") }
            if !a.incarDiff.isEmpty { print(a.incarDiff.split(separator: "\n").map { "  " + $0 }.joined(separator: "\n")) }
        }
        for (name, id) in report.cancelled {
            print("\(dryRun ? "would cancel" : "cancelled") job \(id) of \(name) (DependencyNeverSatisfied)")
        }
        if report.actions.isEmpty && report.cancelled.isEmpty && report.submit.submitted.isEmpty {
            printError("nothing to resume")
        } else {
            SubmitPrinter.print(report.submit, dryRun: dryRun)
        }
    }
}
