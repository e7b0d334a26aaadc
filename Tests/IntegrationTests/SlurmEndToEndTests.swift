import Foundation
import Lifecycle
import Study
import TestSupport
import Testing

/// The local one-node SLURM of tools/slurm/local-cluster.sh, found through SLURM_CONF (`.ci/run` starts it
/// and exports it; by hand: `eval "$(tools/slurm/local-cluster.sh start /tmp/cascade-slurm)"`).
enum LocalCluster {
    static var conf: String? {
        guard let path = ProcessInfo.processInfo.environment["SLURM_CONF"], FileManager.default.fileExists(atPath: path) else { return nil }
        return path
    }

    static var isCI: Bool { ProcessInfo.processInfo.environment["CI"]?.lowercased() == "true" }

    /// `true` when the cluster can be used. With CI=true a missing cluster or corpus is a failure; without
    /// it, a note on stderr says why the test did nothing.
    static func ready() -> Bool {
        var missing: [String] = []
        if conf == nil { missing.append("SLURM_CONF (start the cluster: eval \"$(tools/slurm/local-cluster.sh start /tmp/cascade-slurm)\")") }
        if !FileManager.default.fileExists(atPath: Corpus.root) { missing.append("the corpus at \(Corpus.root)") }
        guard !missing.isEmpty else { return true }
        if isCI {
            Issue.record("CI=true but the SLURM integration tests cannot run: missing \(missing.joined(separator: "; "))")
        } else {
            FileHandle.standardError.write(Data("IntegrationTests: not run: missing \(missing.joined(separator: "; "))\n".utf8))
        }
        return false
    }
}

enum Paths {
    static let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static var fakeVasp: String { packageRoot.appendingPathComponent("Tests/IntegrationTests/fake-vasp").path }
    static var irH: String { Corpus.root + "/adsorption/atomate_Ir_H" }

    static var cascade: URL {
        var folder = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        if folder.lastPathComponent.hasSuffix(".xctest") { folder.deleteLastPathComponent() }
        let candidate = folder.appendingPathComponent("cascade")
        if FileManager.default.isExecutableFile(atPath: candidate.path) { return candidate }
        return packageRoot.appendingPathComponent(".build/debug/cascade")
    }
}

/// Runs the `cascade` executable; with CASCADE_SLURM_TRANSCRIPT=FILE every command and its output is
/// appended to FILE (docs/running.md quotes such a transcript).
struct CLI {
    var directory: String

    struct Result {
        var status: Int32
        var stdout: String
        var stderr: String
    }

    @discardableResult
    func run(_ arguments: [String], record: Bool = true, environment: [String: String] = [:]) throws -> Result {
        let process = Process()
        process.executableURL = Paths.cascade
        process.arguments = arguments
        if !environment.isEmpty { process.environment = ProcessInfo.processInfo.environment.merging(environment) { _, new in new } }
        process.currentDirectoryURL = URL(fileURLWithPath: directory)
        let out = Pipe()
        let err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        let o = out.fileHandleForReading.readDataToEndOfFile()
        let e = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        let result = Result(status: process.terminationStatus, stdout: String(decoding: o, as: UTF8.self), stderr: String(decoding: e, as: UTF8.self))
        if record, let transcript = ProcessInfo.processInfo.environment["CASCADE_SLURM_TRANSCRIPT"] {
            let text =
                "$ cascade \(arguments.joined(separator: " "))\n\(result.stdout)\(result.stderr)" + (result.status == 0 ? "" : "(exit \(result.status))\n")
            if let handle = FileHandle(forWritingAtPath: transcript) {
                handle.seekToEndOfFile()
                handle.write(Data(text.utf8))
                handle.closeFile()
            } else {
                _ = FileManager.default.createFile(atPath: transcript, contents: Data(text.utf8))
            }
        }
        return result
    }

    /// Appends `$ command` and `text` to the transcript (CASCADE_SLURM_TRANSCRIPT), for commands that are
    /// not `cascade` (e.g. a `cat` of a file the test reads).
    func note(_ command: String, _ text: String) {
        guard let transcript = ProcessInfo.processInfo.environment["CASCADE_SLURM_TRANSCRIPT"],
            let handle = FileHandle(forWritingAtPath: transcript)
                ?? (FileManager.default.createFile(atPath: transcript, contents: nil) ? FileHandle(forWritingAtPath: transcript) : nil)
        else { return }
        handle.seekToEndOfFile()
        handle.write(Data("$ \(command)\n\(text)".utf8))
        handle.closeFile()
    }

    typealias States = [String: (state: String, cause: String?, detail: String)]

    /// `cascade status --format json` as calculation → (state, cause, detail).
    func states(_ study: [String]) throws -> States {
        let r = try run(["status"] + study + ["--format", "json"], record: false)
        let object = try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any]
        var out: States = [:]
        for row in object?["rows"] as? [[String: Any]] ?? [] {
            if let name = row["calculation"] as? String, let state = row["state"] as? String {
                out[name] = (state, row["cause"] as? String, row["detail"] as? String ?? "")
            }
        }
        return out
    }

    /// Polls `status` until `done` holds (at most `seconds`); the last states.
    func waitFor(_ study: [String], seconds: Double, _ done: (States) -> Bool) throws -> States {
        let start = Date()
        var last = try states(study)
        while !done(last) && Date().timeIntervalSince(start) < seconds {
            Thread.sleep(forTimeInterval: 1)
            last = try states(study)
        }
        return last
    }
}

/// A small study built from the corpus set adsorption/atomate_Ir_H (as tools/demo-runs.sh does), whose
/// job scripts run the VASP stand-in: relax/ir-slab (run 2) converges; relax/h-site0 (run 3) stops on
/// ZBRENT; relax/h-site1 (run 4) waits for h-site0 (`after:`); relax/h-site2 (run 5) is killed mid-run
/// (a truncated vasprun.xml, exit 137).
enum EndToEndStudy {
    static func make() throws -> (root: String, study: [String]) {
        let fm = FileManager.default
        let root = NSTemporaryDirectory() + "cascade-slurm-e2e-\(UUID().uuidString.prefix(8))"
        try fm.createDirectory(atPath: root + "/structures", withIntermediateDirectories: true)
        for (run, name) in [("2", "ir-slab"), ("3", "h-site0"), ("4", "h-site1"), ("5", "h-site2")] {
            try fm.copyItem(atPath: "\(Paths.irH)/\(run)/outputs/POSCAR", toPath: "\(root)/structures/\(name).vasp")
        }
        let vasp = "srun \(Paths.fakeVasp)"
        let manifest = """
            study: e2e
            title: H on Ir(100) through a real SLURM (corpus runs, VASP stand-in)
            structures: structures
            input_sets: \(Paths.packageRoot.path)/templates
            job: {vasp: "\(vasp)", vasp_gamma: "\(vasp)", ntasks_per_node: 1, time: "00:05:00"}
            systems:
              - {name: ir-slab, file: ir-slab.vasp, charge: 0, multiplicity: 1, kind: slab}
              - {name: h-site0, file: h-site0.vasp, charge: 0, multiplicity: 2, kind: slab}
              - {name: h-site1, file: h-site1.vasp, charge: 0, multiplicity: 2, kind: slab}
              - {name: h-site2, file: h-site2.vasp, charge: 0, multiplicity: 2, kind: slab}
            calculations:
              - {name: relax/ir-slab, set: relax, system: ir-slab}
              - {name: relax/h-site0, set: relax, system: h-site0, after: [relax/ir-slab]}
              - {name: relax/h-site1, set: relax, system: h-site1, after: [relax/h-site0]}
              - {name: relax/h-site2, set: relax, system: h-site2}
            """
        try manifest.write(toFile: root + "/study.yaml", atomically: true, encoding: .utf8)
        return (root, ["study.yaml", "--runs", "runs"])
    }

    static func fake(_ root: String, _ calculation: String, _ mode: String) throws {
        try (mode + "\n").write(toFile: "\(root)/runs/\(calculation)/FAKE_VASP", atomically: true, encoding: .utf8)
    }
}

@Suite("cascade submit/status/resume on a real SLURM", .serialized)
struct SlurmEndToEndTests {
    @Test("submit → converged, failed and blocked → resume → converged → tabulate")
    func wholeStudy() throws {
        guard LocalCluster.ready() else { return }
        let (root, study) = try EndToEndStudy.make()
        defer { try? FileManager.default.removeItem(atPath: root) }
        let cli = CLI(directory: root)
        let generated = try cli.run(["generate"] + ["study.yaml", "--out", "runs"])
        try #require(generated.status == 0, "generate: \(generated.stderr)")
        try EndToEndStudy.fake(root, "relax/ir-slab", "converged \(Paths.irH)/2/outputs")
        try EndToEndStudy.fake(root, "relax/h-site0", "zbrent \(Paths.irH)/3/outputs")
        try EndToEndStudy.fake(root, "relax/h-site1", "converged \(Paths.irH)/4/outputs")
        try EndToEndStudy.fake(root, "relax/h-site2", "truncated \(Paths.irH)/5/outputs 60000")

        // Before anything is submitted: every calculation is ready.
        let before = try cli.states(study)
        #expect(before.values.allSatisfy { $0.state == "generated" }, "\(before)")

        // A dry run prints the sbatch lines and writes nothing.
        let dry = try cli.run(["submit"] + study + ["--dry-run"])
        #expect(dry.status == 0)
        #expect(dry.stdout.components(separatedBy: "would submit").count - 1 == 4, "\(dry.stdout)")
        #expect(dry.stdout.contains("--dependency=afterok:<relax/ir-slab>"))
        // (The `status` above created the journal for its cache; the dry run recorded nothing in it.)
        #expect(try Journal(runs: root + "/runs").submissions().isEmpty)

        // submit: four jobs, the chain with afterok on the parents' job ids.
        let first = try cli.run(["submit"] + study)
        #expect(first.status == 0, "\(first.stderr)")
        let ids = Dictionary(
            uniqueKeysWithValues: first.stdout.split(separator: "\n").compactMap { line -> (String, String)? in
                let words = line.split(separator: " ")
                guard words.count >= 4, words[0] == "submitted" else { return nil }
                return (String(words[1].dropLast()), String(words[3]))
            })
        #expect(ids.count == 4, "\(first.stdout)")
        if let slab = ids["relax/ir-slab"] { #expect(first.stdout.contains("relax/h-site0: job \(ids["relax/h-site0"] ?? "?") (afterok:\(slab))")) }

        // A second submit right away submits nothing: everything is queued, running or done.
        let again = try cli.run(["submit"] + study)
        #expect(again.status == 0)
        #expect(!again.stdout.contains("submitted "), "\(again.stdout)")
        #expect(again.stderr.contains("0 jobs submitted"))

        // ir-slab converges, h-site0 fails on ZBRENT, h-site1 is blocked, h-site2 was killed.
        let settled = try cli.waitFor(study, seconds: 90) { s in
            s["relax/ir-slab"]?.state == "converged" && s["relax/h-site0"]?.state == "failed"
                && s["relax/h-site1"]?.state == "blocked" && s["relax/h-site2"]?.state == "failed"
        }
        #expect(settled["relax/ir-slab"]?.state == "converged", "\(settled)")
        #expect(settled["relax/h-site0"]?.state == "failed" && settled["relax/h-site0"]?.cause == "zbrent", "\(settled)")
        #expect(settled["relax/h-site1"]?.state == "blocked" && settled["relax/h-site1"]?.cause == "parent relax/h-site0", "\(settled)")
        #expect(settled["relax/h-site2"]?.state == "failed" && settled["relax/h-site2"]?.cause == "killed", "\(settled)")
        let table = try cli.run(["status"] + study)
        #expect(table.stdout.contains("DependencyNeverSatisfied"), "\(table.stdout)")

        // resume --dry-run changes nothing.
        let incarBefore = try String(contentsOfFile: root + "/runs/relax/h-site0/INCAR", encoding: .utf8)
        let dryResume = try cli.run(["resume"] + study + ["--dry-run"])
        #expect(dryResume.status == 0, "\(dryResume.stderr)")
        #expect(dryResume.stdout.contains("+ IBRION = 1"), "\(dryResume.stdout)")
        #expect(dryResume.stdout.contains("would cancel job"))
        #expect(try String(contentsOfFile: root + "/runs/relax/h-site0/INCAR", encoding: .utf8) == incarBefore)
        #expect(!FileManager.default.fileExists(atPath: root + "/runs/relax/h-site0/attempt-1"))

        // The stand-in cannot read the INCAR: the second runs are told to converge.
        try EndToEndStudy.fake(root, "relax/h-site0", "converged \(Paths.irH)/3/outputs")
        // h-site2's second run writes half its vasprun.xml at once and finishes 8 s later: status sees it run.
        try EndToEndStudy.fake(root, "relax/h-site2", "sleep 8 \(Paths.irH)/5/outputs")
        let contcar0 = try Data(contentsOf: URL(fileURLWithPath: root + "/runs/relax/h-site0/CONTCAR"))
        let resumed = try cli.run(["resume"] + study)
        #expect(resumed.status == 0, "\(resumed.stderr)")
        #expect(resumed.stdout.contains("- IBRION = 2") && resumed.stdout.contains("+ IBRION = 1"), "\(resumed.stdout)")
        #expect(resumed.stdout.contains("cancelled job"), "\(resumed.stdout)")
        #expect(
            resumed.stdout.contains("submitted relax/h-site0") && resumed.stdout.contains("submitted relax/h-site1")
                && resumed.stdout.contains("submitted relax/h-site2"), "\(resumed.stdout)")
        let h0 = root + "/runs/relax/h-site0"
        for kept in ["attempt-1/vasprun.xml", "attempt-1/OUTCAR", "attempt-1/CONTCAR", "attempt-1/INCAR", "attempt-1/cascade-remedy.txt"] {
            #expect(FileManager.default.fileExists(atPath: "\(h0)/\(kept)"), "\(kept)")
        }
        #expect(try Data(contentsOf: URL(fileURLWithPath: h0 + "/POSCAR")) == contcar0)
        #expect(IncarEditor.value(of: "IBRION", in: try String(contentsOfFile: h0 + "/INCAR", encoding: .utf8)) == "1")

        let running = try cli.waitFor(study, seconds: 30) { s in
            s["relax/h-site2"]?.state == "running" && s["relax/h-site2"]?.detail.contains("ionic step") == true
        }
        #expect(running["relax/h-site2"]?.state == "running", "\(running)")
        #expect(running["relax/h-site2"]?.detail.contains("ionic step") == true, "\(running)")
        // The stand-in's OSZICAR ends in the SCF steps of ionic step 13 (step 12 is the last complete one).
        #expect(running["relax/h-site2"]?.detail.contains("ionic step 13 (SCF step 9)") == true, "\(running)")
        #expect(running["relax/h-site2"]?.detail.contains("(|EDIFFG| = ") == true, "\(running)")
        _ = try cli.run(["status"] + study)

        // status --watch, piped: one line per change, and it returns once nothing is pending or running.
        let watched = try cli.run(["status"] + study + ["--watch", "--interval", "1"])
        #expect(watched.status == 0)
        #expect(watched.stdout.split(separator: "\n").contains { $0.contains("\trelax/h-site2\tconverged\t") }, "\(watched.stdout)")
        #expect(watched.stdout.split(separator: "\n").contains { $0.contains("\trelax/h-site1\tconverged\t") }, "\(watched.stdout)")

        let finished = try cli.waitFor(study, seconds: 90) { s in s.values.allSatisfy { $0.state == "converged" } }
        #expect(finished.values.allSatisfy { $0.state == "converged" }, "\(finished)")
        _ = try cli.run(["status"] + study)

        // Idempotent: nothing to submit, nothing to resume.
        let third = try cli.run(["submit"] + study)
        #expect(!third.stdout.contains("submitted "), "\(third.stdout)")
        let nothing = try cli.run(["resume"] + study)
        #expect(nothing.stderr.contains("nothing to resume"), "\(nothing.stderr)")

        // The journal remembers 7 submissions and 2 remedies.
        let journal = try Journal(runs: root + "/runs")
        #expect(try journal.submissions().count == 7)
        #expect(try journal.remedies().map(\.cause).sorted() == ["killed", "zbrent"])

        // And the finished tree tabulates.
        let tab = try cli.run(["tabulate"] + study)
        #expect(tab.status == 0, "\(tab.stderr)")
        #expect(tab.stdout.contains("4 converged") || tab.stdout.components(separatedBy: "converged").count > 4, "\(tab.stdout)")
    }
}

/// A relaxation that SLURM kills at its one-minute limit (60–90 s on the test cluster: slurmctld checks
/// limits every 30 s), resumed from its CONTCAR with the killed attempt kept. A suite of its own, so it
/// runs beside the other one instead of after it.
@Suite("a wall-time kill on a real SLURM")
struct SlurmTimeoutTests {
    @Test("TIMEOUT → status timeout → resume continues from CONTCAR → converged")
    func wallTime() throws {
        guard LocalCluster.ready() else { return }
        let fm = FileManager.default
        let root = NSTemporaryDirectory() + "cascade-slurm-timeout-\(UUID().uuidString.prefix(8))"
        defer { try? fm.removeItem(atPath: root) }
        try fm.createDirectory(atPath: root + "/structures", withIntermediateDirectories: true)
        try fm.copyItem(atPath: "\(Paths.irH)/5/outputs/POSCAR", toPath: "\(root)/structures/h-site2.vasp")
        let vasp = "srun \(Paths.fakeVasp)"
        try """
        study: walltime
        structures: structures
        input_sets: \(Paths.packageRoot.path)/templates
        job: {vasp: "\(vasp)", vasp_gamma: "\(vasp)", ntasks_per_node: 1, time: "00:01:00"}
        systems:
          - {name: h-site2, file: h-site2.vasp, charge: 0, multiplicity: 2, kind: slab}
        calculations:
          - {name: relax/slow, set: relax, system: h-site2}
        """.write(toFile: root + "/study.yaml", atomically: true, encoding: .utf8)
        let study = ["study.yaml", "--runs", "runs"]
        let cli = CLI(directory: root)
        try #require(try cli.run(["generate", "study.yaml", "--out", "runs"], record: false).status == 0)
        try EndToEndStudy.fake(root, "relax/slow", "sleep 300 \(Paths.irH)/5/outputs")
        let submitted = try cli.run(["submit"] + study, record: false)
        #expect(submitted.stdout.contains("submitted relax/slow"), "\(submitted.stdout)\(submitted.stderr)")

        let killed = try cli.waitFor(study, seconds: 150) { $0["relax/slow"]?.state == "timeout" }
        #expect(killed["relax/slow"]?.state == "timeout" && killed["relax/slow"]?.cause == "walltime", "\(killed)")
        #expect(killed["relax/slow"]?.detail.contains("DUE TO TIME LIMIT") == true, "\(killed)")

        _ = try cli.run(["status"] + study)
        let contcar = try Data(contentsOf: URL(fileURLWithPath: root + "/runs/relax/slow/CONTCAR"))
        try EndToEndStudy.fake(root, "relax/slow", "converged \(Paths.irH)/5/outputs")
        let resumed = try cli.run(["resume"] + study)
        cli.note(
            "cat runs/relax/slow/attempt-1/cascade-remedy.txt",
            (try? String(contentsOfFile: root + "/runs/relax/slow/attempt-1/cascade-remedy.txt", encoding: .utf8)) ?? "")
        #expect(resumed.stdout.contains("remedy: continue from CONTCAR") && resumed.stdout.contains("submitted relax/slow"), "\(resumed.stdout)")
        #expect(try Data(contentsOf: URL(fileURLWithPath: root + "/runs/relax/slow/POSCAR")) == contcar)
        #expect(fm.fileExists(atPath: root + "/runs/relax/slow/attempt-1/vasprun.xml"))
        let done = try cli.waitFor(study, seconds: 60) { $0["relax/slow"]?.state == "converged" }
        #expect(done["relax/slow"]?.state == "converged", "\(done)")
    }
}

/// `cascade resume` killed in the middle (SIGKILL right after it moved the first output into the attempt
/// folder, through the tests-only CASCADE_TEST_INTERRUPT) leaves a state the next `resume` completes: the
/// remedy finished from its plan, the failed calculation and its blocked dependant submitted, both converge.
@Suite("an interrupted resume on a real SLURM")
struct SlurmInterruptedResumeTests {
    @Test("resume killed half-way → the next resume completes it → converged")
    func interruptedResume() throws {
        guard LocalCluster.ready() else { return }
        let fm = FileManager.default
        let root = NSTemporaryDirectory() + "cascade-slurm-interrupt-\(UUID().uuidString.prefix(8))"
        defer { try? fm.removeItem(atPath: root) }
        try fm.createDirectory(atPath: root + "/structures", withIntermediateDirectories: true)
        try fm.copyItem(atPath: "\(Paths.irH)/3/outputs/POSCAR", toPath: "\(root)/structures/h-site0.vasp")
        let vasp = "srun \(Paths.fakeVasp)"
        try """
        study: interrupt
        structures: structures
        input_sets: \(Paths.packageRoot.path)/templates
        job: {vasp: "\(vasp)", vasp_gamma: "\(vasp)", ntasks_per_node: 1, time: "00:05:00"}
        systems:
          - {name: h-site0, file: h-site0.vasp, charge: 0, multiplicity: 2, kind: slab}
        calculations:
          - {name: relax/bad, set: relax, system: h-site0}
          - {name: relax/next, set: relax, system: h-site0, after: [relax/bad]}
        """.write(toFile: root + "/study.yaml", atomically: true, encoding: .utf8)
        let study = ["study.yaml", "--runs", "runs"]
        let cli = CLI(directory: root)
        try #require(try cli.run(["generate", "study.yaml", "--out", "runs"], record: false).status == 0)
        try EndToEndStudy.fake(root, "relax/bad", "zbrent \(Paths.irH)/3/outputs")
        try EndToEndStudy.fake(root, "relax/next", "converged \(Paths.irH)/3/outputs")
        #expect(try cli.run(["submit"] + study, record: false).status == 0)
        let failed = try cli.waitFor(study, seconds: 90) { $0["relax/bad"]?.state == "failed" && $0["relax/next"]?.state == "blocked" }
        #expect(failed["relax/bad"]?.cause == "zbrent" && failed["relax/next"]?.state == "blocked", "\(failed)")

        // resume dies (SIGKILL) right after moving the first output file.
        let bad = root + "/runs/relax/bad"
        let contcar = try Data(contentsOf: URL(fileURLWithPath: bad + "/CONTCAR"))
        try EndToEndStudy.fake(root, "relax/bad", "converged \(Paths.irH)/3/outputs")
        let killed = try cli.run(["resume"] + study, record: false, environment: ["CASCADE_TEST_INTERRUPT": "after-first-move"])
        #expect(killed.status != 0, "\(killed.stdout)\(killed.stderr)")
        #expect(fm.fileExists(atPath: bad + "/attempt-1/cascade-remedy.pending"))
        #expect(fm.fileExists(atPath: bad + "/attempt-1/CONTCAR") && !fm.fileExists(atPath: bad + "/CONTCAR"))
        #expect(fm.fileExists(atPath: bad + "/vasprun.xml"), "only the first file was moved")
        #expect(try Journal(runs: root + "/runs").submissions().count == 2, "nothing was submitted")
        // What status makes of the half-moved folder: still the failed run (its vasprun.xml is there).
        let between = try cli.states(study)
        #expect(between["relax/next"]?.state == "blocked", "\(between)")

        // The next resume completes the remedy from its plan, cancels the blocked job and submits both.
        let resumed = try cli.run(["resume"] + study, record: false)
        #expect(resumed.status == 0, "\(resumed.stderr)")
        #expect(resumed.stderr.contains("note: relax/bad: completed the remedy interrupted in attempt-1 ("), "\(resumed.stderr)")
        #expect(resumed.stdout.contains("submitted relax/bad") && resumed.stdout.contains("submitted relax/next"), "\(resumed.stdout)\(resumed.stderr)")
        #expect(fm.fileExists(atPath: bad + "/attempt-1/cascade-remedy.txt") && !fm.fileExists(atPath: bad + "/attempt-1/cascade-remedy.pending"))
        for kept in ["vasprun.xml", "OUTCAR", "CONTCAR", "INCAR", "POSCAR", "job.sh"] {
            #expect(fm.fileExists(atPath: "\(bad)/attempt-1/\(kept)"), "\(kept)")
        }
        #expect(try Data(contentsOf: URL(fileURLWithPath: bad + "/POSCAR")) == contcar)
        #expect(IncarEditor.value(of: "IBRION", in: try String(contentsOfFile: bad + "/INCAR", encoding: .utf8)) == "1")
        #expect(try Journal(runs: root + "/runs").remedies().map(\.cause) == ["zbrent"])

        let done = try cli.waitFor(study, seconds: 90) { s in s.values.allSatisfy { $0.state == "converged" } }
        #expect(done.values.allSatisfy { $0.state == "converged" }, "\(done)")
        #expect(try cli.run(["resume"] + study, record: false).stderr.contains("nothing to resume"))
    }
}
