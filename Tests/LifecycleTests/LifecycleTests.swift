import Analysis
import Foundation
import Synchronization
import TestSupport
import Testing
import VASP

@testable import Lifecycle
@testable import Study

enum Temp {
    static func folder(_ label: String) throws -> String {
        let path = NSTemporaryDirectory() + "cascade-\(label)-\(UUID().uuidString.prefix(8))"
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }

    static func write(_ text: String, _ path: String, mode: Int? = nil) throws {
        try FileManager.default.createDirectory(atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        if let mode { try FileManager.default.setAttributes([.posixPermissions: mode], ofItemAtPath: path) }
    }
}

@Suite("INCAR edits")
struct IncarEditorTests {
    @Test func replacesKeepsAndAppends() {
        let text = "PREC = Normal\nIBRION = 2   # CG\nISIF = 2; NSW = 300\n"
        let (out, changes) = IncarEditor.apply(
            [IncarChange(tag: "ibrion", value: "1"), IncarChange(tag: "NSW", value: "50"), IncarChange(tag: "ALGO", value: "All")], to: text)
        #expect(out == "PREC = Normal\nIBRION = 1  # CG\nISIF = 2; NSW = 50\nALGO = All   # cascade resume\n")
        #expect(changes.map(\.old) == ["2", "300", nil])
        #expect(IncarEditor.diff(changes, file: "x/INCAR").contains("- IBRION = 2\n+ IBRION = 1"))
        #expect(IncarEditor.value(of: "nsw", in: out) == "50")
    }
}

@Suite("failure causes")
struct FailureCauseTests {
    @Test func signatures() {
        #expect(FailureDiagnosis.match(" ZBRENT: fatal error in bracketing\n please rerun")?.cause == .zbrent)
        #expect(FailureDiagnosis.match("slurmstepd-vm: error: *** JOB 6 ON vm CANCELLED AT 2026-12-07T19:40:34 DUE TO TIME LIMIT ***")?.cause == .walltime)
        #expect(FailureDiagnosis.match("slurmstepd: error: Detected 1 oom-kill event(s) in StepId=5.0")?.cause == .outOfMemory)
        #expect(FailureDiagnosis.match(" Error EDDDAV: Call to ZHEGV failed. Returncode = 7 2 16")?.cause == .edddav)
        #expect(FailureDiagnosis.match(" WARNING: Sub-Space-Matrix is not hermitian in DAV")?.cause == .subspaceMatrix)
        #expect(FailureDiagnosis.match(" BRMIX: very serious problems\n the old and the new charge density differ")?.cause == .brmix)
        #expect(FailureDiagnosis.match(" The distance between some ions is very small")?.cause == .posmap)
        #expect(FailureDiagnosis.match("*** JOB 9 ON vm CANCELLED AT 2026-12-07T19:39:15 ***")?.cause == .cancelled)
        #expect(FailureDiagnosis.match("   1 F= -.1E+02 E0= -.1E+02") == nil)
        // A fatal VASP error wins over the time-limit kill that may follow it in the same file.
        #expect(FailureDiagnosis.match("ZBRENT: fatal error in bracketing\n*** JOB 1 CANCELLED AT x DUE TO TIME LIMIT ***")?.cause == .zbrent)
    }

    @Test func remedies() throws {
        let zbrent = try Remedy.of(.zbrent, incar: "IBRION = 2\n", outcarTail: "").get()
        #expect(zbrent.incar == [IncarChange(tag: "IBRION", value: "1")] && zbrent.continueFromContcar)
        #expect(try Remedy.of(.edddav, incar: "", outcarTail: "").get().incar.first?.value == "All")
        #expect(try Remedy.of(.tooFewBands, incar: "", outcarTail: "   number of bands    NBANDS=     96\n").get().incar.first?.value == "106")
        #expect(try Remedy.of(.walltime, incar: "", outcarTail: "").get().incar.isEmpty)
        for cause in [FailureCause.posmap, .outOfMemory, .noOutput] {
            guard case .failure = Remedy.of(cause, incar: "", outcarTail: "") else {
                Issue.record("\(cause) should give up")
                continue
            }
        }
    }
}

@Suite("the SLURM adapter without SLURM")
struct SlurmAdapterTests {
    @Test func parsesSqueueAndScontrol() throws {
        let jobs = try Slurm.parseQueue(
            "5|e2e-relax-h|PENDING|DependencyNeverSatisfied|afterok:4(failed)|0:00|5:00|/tmp/r/relax/h\n6|x|RUNNING|None|(null)|0:03|5:00|/tmp/r/x\n",
            command: "squeue")
        #expect(jobs.count == 2 && jobs[0].isBlocked && jobs[0].isActive && jobs[1].dependency.isEmpty && !jobs[1].isBlocked)
        #expect(throws: SchedulerError.self) { try Slurm.parseQueue("garbage\n", command: "squeue") }
        let shown = Slurm.parseShowJob(
            "JobId=4 JobName=z UserId=root(0) JobState=FAILED Reason=NonZeroExitCode Dependency=(null) WorkDir=/tmp/a RunTime=00:00:01 TimeLimit=00:05:00")
        #expect(
            shown
                == SlurmJob(
                    id: "4", name: "z", state: "FAILED", reason: "NonZeroExitCode", dependency: "", workDir: "/tmp/a", elapsed: "00:00:01",
                    timeLimit: "00:05:00"))
    }

    @Test func missingSlurmIsAClearError() {
        let slurm = Slurm(environment: ["PATH": "/nonexistent"])
        do {
            _ = try slurm.queue()
            Issue.record("expected an error")
        } catch {
            #expect("\(error)".hasPrefix("squeue not found: "), "\(error)")
        }
        do {
            _ = try slurm.submit(script: "job.sh", folder: "/tmp", afterOK: [])
            Issue.record("expected an error")
        } catch {
            #expect("\(error)".hasPrefix("sbatch not found: "), "\(error)")
        }
    }

    @Test func badAnswersFailuresAndTimeouts() throws {
        let bin = try Temp.folder("fake-slurm")
        defer { try? FileManager.default.removeItem(atPath: bin) }
        try Temp.write("#!/bin/sh\necho 'Submitted batch job 12'\n", bin + "/sbatch", mode: 0o755)
        try Temp.write("#!/bin/sh\necho 'slurm_load_jobs error: Unable to contact slurm controller' >&2\nexit 1\n", bin + "/squeue", mode: 0o755)
        try Temp.write("#!/bin/sh\nexec /bin/sleep 5\n", bin + "/scancel", mode: 0o755)
        let slurm = Slurm(environment: ["PATH": bin], timeout: 0.5)
        #expect(
            throws: SchedulerError.badAnswer(command: "sbatch --parsable job.sh", answer: "Submitted batch job 12\n", expected: "a job id (sbatch --parsable)")
        ) {
            try slurm.submit(script: "job.sh", folder: bin, afterOK: [])
        }
        #expect(
            throws: SchedulerError.failed(
                command: "squeue --me -h -t all -o %i|%j|%T|%r|%E|%M|%l|%Z", status: 1, stderr: "slurm_load_jobs error: Unable to contact slurm controller")
        ) {
            try slurm.queue()
        }
        let start = Date()
        #expect(throws: SchedulerError.timedOut(command: "scancel 7", seconds: 0.5)) { try slurm.cancel(["7"]) }
        #expect(Date().timeIntervalSince(start) < 4)
    }
}

@Suite("the journal")
struct JournalTests {
    @Test func concurrentWritersAndDeletion() throws {
        let runs = try Temp.folder("journal")
        defer { try? FileManager.default.removeItem(atPath: runs) }
        // Eight connections (as eight processes would have) writing at once: every row arrives.
        let failures = Mutex<[String]>([])
        DispatchQueue.concurrentPerform(iterations: 8) { k in
            do {
                let journal = try Journal(runs: runs)
                for n in 0..<25 {
                    try journal.record(
                        Journal.Submission(calculation: "c\(k)", jobID: "\(k * 100 + n)", time: Double(n), inputsHash: "h", afterOK: ["1", "2"], attempt: 1))
                }
            } catch {
                failures.withLock { $0.append("writer \(k): \(error)") }
            }
        }
        #expect(failures.withLock { $0 }.isEmpty, "\(failures.withLock { $0 })")
        let journal = try Journal(runs: runs)
        #expect(try journal.submissions().count == 200)
        #expect(try journal.latestSubmissions()["c3"]?.jobID == "324")
        #expect(try journal.latestSubmissions()["c3"]?.afterOK == ["1", "2"])
        // Deleting the file loses the memory only; a new journal starts empty.
        try FileManager.default.removeItem(atPath: Journal.path(runs: runs))
        #expect(try Journal(runs: runs).submissions().isEmpty)
    }
}

@Suite("attempt folders")
struct AttemptTests {
    static func failedRun() throws -> String {
        let folder = try Temp.folder("attempt")
        try Temp.write("PREC = Normal\nIBRION = 2\nNSW = 300\n", folder + "/INCAR")
        try Temp.write("first POSCAR\n", folder + "/POSCAR")
        try Temp.write("relaxed CONTCAR\n", folder + "/CONTCAR")
        try Temp.write("#!/bin/bash\n", folder + "/job.sh")
        try Temp.write("<modeling>", folder + "/vasprun.xml")
        try Temp.write(" ZBRENT: fatal error in bracketing\n", folder + "/slurm-7.out")
        return folder
    }

    static func row(_ folder: String) -> CalculationRun {
        CalculationRun(
            name: "relax/x", folder: folder, isNeb: false, state: .failed, detail: "ZBRENT (slurm-7.out: ZBRENT: fatal error in bracketing)",
            jobID: "7", job: nil, disk: RunFolderReport(state: .truncated, reason: "", hasOutputs: true, images: []), cause: .zbrent,
            blockedBy: nil, generated: true, attempts: Attempts.count(in: folder))
    }

    @Test func keepsTheAttemptAndGivesUpTheSecondTime() throws {
        let folder = try Self.failedRun()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        var action = try Attempts.plan(row: Self.row(folder), cause: .zbrent)
        #expect(action.giveUp == nil)
        #expect(action.moved == ["CONTCAR", "slurm-7.out", "vasprun.xml"])
        #expect(action.incarDiff.contains("- IBRION = 2\n+ IBRION = 1"))
        try Attempts.apply(&action, row: Self.row(folder))
        let fm = FileManager.default
        for name in ["CONTCAR", "slurm-7.out", "vasprun.xml", "INCAR", "POSCAR", "job.sh", "cascade-remedy.txt"] {
            #expect(fm.fileExists(atPath: "\(folder)/attempt-1/\(name)"), "\(name)")
        }
        #expect(try String(contentsOfFile: folder + "/POSCAR", encoding: .utf8) == "relaxed CONTCAR\n")
        #expect(try String(contentsOfFile: folder + "/attempt-1/POSCAR", encoding: .utf8) == "first POSCAR\n")
        #expect(try String(contentsOfFile: folder + "/INCAR", encoding: .utf8) == "PREC = Normal\nIBRION = 1\nNSW = 300\n")
        #expect(Attempts.archived(jobID: "7", folder: folder))

        // The same failure again: the remedy was tried, Cascade gives up with the reason.
        try Temp.write(" ZBRENT: fatal error in bracketing\n", folder + "/slurm-8.out")
        try Temp.write("<modeling>", folder + "/vasprun.xml")
        let second = try Attempts.plan(row: Self.row(folder), cause: .zbrent)
        #expect(second.giveUp?.contains("attempt-1") == true, "\(second.giveUp ?? "nil")")
    }

    @Test func anInterruptedResumeIsCompleted() throws {
        let folder = try Self.failedRun()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let action = try Attempts.plan(row: Self.row(folder), cause: .zbrent)
        // Killed right after writing the plan and moving one file.
        try FileManager.default.createDirectory(atPath: folder + "/attempt-1", withIntermediateDirectories: false)
        try Temp.write("remedy: \(action.remedy!.name)\ncontinue from CONTCAR: yes\nset: IBRION = 1\n", folder + "/attempt-1/" + Attempts.planName)
        try FileManager.default.moveItem(atPath: folder + "/vasprun.xml", toPath: folder + "/attempt-1/vasprun.xml")
        let done = try Attempts.completeInterrupted(folder: folder, isNeb: false)
        #expect(done?.attempt == 1 && done?.record.remedy == action.remedy?.name)
        #expect(FileManager.default.fileExists(atPath: folder + "/attempt-1/cascade-remedy.txt"))
        #expect(FileManager.default.fileExists(atPath: folder + "/attempt-1/CONTCAR"))
        #expect(try String(contentsOfFile: folder + "/POSCAR", encoding: .utf8) == "relaxed CONTCAR\n")
        #expect(IncarEditor.value(of: "IBRION", in: try String(contentsOfFile: folder + "/INCAR", encoding: .utf8)) == "1")
        #expect(try Attempts.completeInterrupted(folder: folder, isNeb: false) == nil)
    }
}

/// `status` on a run tree of corpus outputs, with SLURM absent (files only) and with a stand-in
/// `squeue` that reports a TIMEOUT job.
@Suite("status from files and scheduler")
struct StatusJoinTests {
    /// relax/a converged (corpus run 2), relax/b killed two days ago (run 5 cut at 60 000 bytes),
    /// relax/c waits for b, relax/d not generated.
    static func tree() throws -> (manifest: StudyManifest, runs: String) {
        let root = try Temp.folder("status")
        let runs = root + "/runs"
        let ir = Corpus.root + "/adsorption/atomate_Ir_H"
        let fm = FileManager.default
        for name in ["a", "b", "c"] {
            try Temp.write("#!/bin/bash\n", "\(runs)/relax/\(name)/job.sh")
            try Temp.write("IBRION = 2\n", "\(runs)/relax/\(name)/INCAR")
        }
        try fm.copyItem(atPath: ir + "/2/outputs/vasprun.xml.gz", toPath: runs + "/relax/a/vasprun.xml.gz")
        let whole = try Data(contentsOf: URL(fileURLWithPath: ir + "/5/outputs/CONTCAR"))
        try whole.write(to: URL(fileURLWithPath: runs + "/relax/b/CONTCAR"))
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/sh")
        process.arguments = [
            "-c",
            "gzip -dc '\(ir)/5/outputs/vasprun.xml.gz' | head -c 60000 > '\(runs)/relax/b/vasprun.xml'; touch -d '2 days ago' '\(runs)/relax/b/vasprun.xml'"
        ]
        try process.run()
        process.waitUntilExit()
        try Temp.write(
            """
            study: join
            structures: .
            systems:
              - {name: x, file: x.vasp}
            calculations:
              - {name: relax/a, set: relax, system: x}
              - {name: relax/b, set: relax, system: x}
              - {name: relax/c, set: relax, system: x, after: [relax/b]}
              - {name: relax/d, set: relax, system: x}
            """, root + "/study.yaml")
        return (try StudyManifest.load(path: root + "/study.yaml"), runs)
    }

    @Test func filesOnlyWhenSlurmIsAbsent() throws {
        guard FileManager.default.fileExists(atPath: Corpus.root) else {
            if ProcessInfo.processInfo.environment["CI"] == "true" { Issue.record("CI=true but no corpus at \(Corpus.root)") }
            return
        }
        let (manifest, runs) = try Self.tree()
        defer { try? FileManager.default.removeItem(atPath: (runs as NSString).deletingLastPathComponent) }
        let life = StudyLifecycle(manifest: manifest, runs: runs, slurm: Slurm(environment: ["PATH": "/nonexistent"]))
        let status = try life.status()
        #expect(!status.schedulerAnswered)
        #expect(status.warnings.first?.hasPrefix("squeue not found") == true, "\(status.warnings)")
        #expect(status.calculations.map(\.state) == [.converged, .failed, .blocked, .notGenerated], "\(status.calculations.map(\.detail))")
        #expect(status.run(named: "relax/b")?.cause == .killed)
        #expect(status.run(named: "relax/c")?.blockedBy == "relax/b")
        // submit and resume need SLURM: a clear error.
        #expect(throws: SchedulerError.self) { try life.submit(dryRun: true) }
    }

    @Test func aTimeoutJobMakesTheRunTimeout() throws {
        guard FileManager.default.fileExists(atPath: Corpus.root) else { return }
        let (manifest, runs) = try Self.tree()
        defer { try? FileManager.default.removeItem(atPath: (runs as NSString).deletingLastPathComponent) }
        let bin = try Temp.folder("fake-squeue")
        defer { try? FileManager.default.removeItem(atPath: bin) }
        let life = StudyLifecycle(manifest: manifest, runs: runs, slurm: Slurm(environment: ["PATH": bin]))
        try Temp.write(
            "#!/bin/sh\necho '42|join-relax-b|TIMEOUT|TimeLimit|(null)|1:27|1:00|\(life.runs)/relax/b'\necho '43|join-relax-c|PENDING|DependencyNeverSatisfied|afterok:42(failed)|0:00|1:00|\(life.runs)/relax/c'\n",
            bin + "/squeue", mode: 0o755)
        try Temp.write("#!/bin/sh\necho 'slurm_load_jobs error: Invalid job id specified' >&2\nexit 1\n", bin + "/scontrol", mode: 0o755)
        let journal = try life.journal()
        try journal.record(Journal.Submission(calculation: "relax/b", jobID: "42", time: 0, inputsHash: "", afterOK: [], attempt: 1))
        let status = try life.status(journal: journal)
        #expect(status.run(named: "relax/b")?.state == .timeout, "\(status.calculations.map(\.detail))")
        #expect(status.run(named: "relax/b")?.cause == .walltime)
        // c is found in the queue by its folder (no journal entry) and is blocked by b.
        #expect(status.run(named: "relax/c")?.state == .blocked)
        #expect(status.run(named: "relax/c")?.jobID == "43")
        #expect(status.run(named: "relax/c")?.blockedBy == "relax/b")
        // resume --dry-run: continue b from its CONTCAR, cancel 43, submit b then c after it.
        let plan = try life.resume(dryRun: true)
        #expect(plan.actions.map(\.calculation) == ["relax/b"] && plan.actions.first?.remedy?.name == "continue from CONTCAR")
        #expect(plan.cancelled.map(\.jobID) == ["43"])
        #expect(plan.submit.submitted.map(\.calculation) == ["relax/b", "relax/c"])
        #expect(plan.submit.submitted.last?.afterOK == ["<relax/b>"])
        #expect(!FileManager.default.fileExists(atPath: runs + "/relax/b/attempt-1"))
    }
}

@Suite("NEB attempt folders")
struct NebAttemptTests {
    @Test func imagesContinueFromTheirContcars() throws {
        let folder = try Temp.folder("neb-attempt")
        defer { try? FileManager.default.removeItem(atPath: folder) }
        try Temp.write("IMAGES = 2\nIBRION = 3\n", folder + "/INCAR")
        try Temp.write(
            "#!/bin/bash\n\"$CASCADE\" images ../a/CONTCAR ../b/CONTCAR --images 2 --method idpp --out . --force\nsrun vasp_std\n", folder + "/job.sh")
        try Temp.write("*** JOB 5 ON vm CANCELLED AT 2026-12-07T19:40:34 DUE TO TIME LIMIT ***\n", folder + "/slurm-5.out")
        for image in ["00", "03"] { try Temp.write("end \(image)\n", "\(folder)/\(image)/POSCAR") }
        try Temp.write("staged\n", folder + "/03/OUTCAR")
        for image in ["01", "02"] {
            try Temp.write("start \(image)\n", "\(folder)/\(image)/POSCAR")
            try Temp.write("moved \(image)\n", "\(folder)/\(image)/CONTCAR")
            try Temp.write("outcar \(image)\n", "\(folder)/\(image)/OUTCAR")
        }
        let row = CalculationRun(
            name: "neb/x", folder: folder, isNeb: true, state: .timeout, detail: "wall time", jobID: "5", job: nil,
            disk: RunFolderReport(state: .truncated, reason: "", hasOutputs: true, images: []), cause: .walltime,
            blockedBy: nil, generated: true, attempts: 0)
        var action = try Attempts.plan(row: row, cause: .walltime)
        #expect(action.moved == ["slurm-5.out", "01/CONTCAR", "01/OUTCAR", "02/CONTCAR", "02/OUTCAR", "03/OUTCAR"])
        #expect(action.poscarFrom == "attempt-1/{01,02}/CONTCAR")
        #expect(action.notes.count == 2 && action.notes.last?.contains("\"$CASCADE\" images ../a/CONTCAR") == true, "\(action.notes)")
        try Attempts.apply(&action, row: row)
        // The job.sh written before the guard: its images line is wrapped, the old job.sh kept.
        let job = try String(contentsOfFile: folder + "/job.sh", encoding: .utf8)
        #expect(job.contains("if [ -e cascade-continue ]; then echo"), "\(job)")
        #expect(job.contains("else \"$CASCADE\" images ../a/CONTCAR ../b/CONTCAR --images 2 --method idpp --out . --force; fi\nsrun vasp_std\n"), "\(job)")
        #expect(try String(contentsOfFile: folder + "/attempt-1/job.sh", encoding: .utf8).hasPrefix("#!/bin/bash\n\"$CASCADE\" images"))
        #expect(FileManager.default.isExecutableFile(atPath: folder + "/job.sh"))
        #expect(FileManager.default.fileExists(atPath: folder + "/cascade-continue"))
        for image in ["01", "02"] {
            #expect(try String(contentsOfFile: "\(folder)/\(image)/POSCAR", encoding: .utf8) == "moved \(image)\n")
            #expect(try String(contentsOfFile: "\(folder)/attempt-1/\(image)/POSCAR", encoding: .utf8) == "start \(image)\n")
            #expect(FileManager.default.fileExists(atPath: "\(folder)/attempt-1/\(image)/OUTCAR"))
        }
        #expect(try String(contentsOfFile: "\(folder)/00/POSCAR", encoding: .utf8) == "end 00\n")
        #expect(FileManager.default.fileExists(atPath: "\(folder)/attempt-1/slurm-5.out"))
    }
}

/// The status cache: a finished run's outputs are read once; a changed file is read again.
@Suite("status cache")
struct StatusCacheTests {
    @Test func finishedRunsAreReadOnceAndAgainWhenTheirFilesChange() throws {
        guard FileManager.default.fileExists(atPath: Corpus.root) else {
            if ProcessInfo.processInfo.environment["CI"] == "true" { Issue.record("CI=true but no corpus at \(Corpus.root)") }
            return
        }
        let (manifest, runs) = try StatusJoinTests.tree()
        defer { try? FileManager.default.removeItem(atPath: (runs as NSString).deletingLastPathComponent) }
        let life = StudyLifecycle(manifest: manifest, runs: runs, slurm: Slurm(environment: ["PATH": "/nonexistent"]))

        // Cold: both runs with outputs are read; the converged one is stored, the killed one is not.
        let cold = try life.status()
        #expect(cold.parsed == ["relax/a", "relax/b"], "\(cold.parsed)")
        #expect(cold.fromCache == 0)
        let stored = try life.journal().cachedReports()
        #expect(Array(stored.keys) == ["relax/a"], "\(stored.keys)")
        #expect(stored["relax/a"]?.filesKey.contains("vasprun.xml.gz 216187 ") == true, "\(stored["relax/a"]?.filesKey ?? "")")

        // Warm: the converged run comes from the cache with the same numbers; the killed one is read again.
        let warm = try life.status()
        #expect(warm.parsed == ["relax/b"], "\(warm.parsed)")
        #expect(warm.fromCache == 1)
        #expect(warm.run(named: "relax/a")?.disk == cold.run(named: "relax/a")?.disk)
        #expect(warm.calculations.map(\.state) == cold.calculations.map(\.state))

        // A new modification time alone makes it read again.
        let a = runs + "/relax/a/vasprun.xml.gz"
        try FileManager.default.setAttributes([.modificationDate: Date(timeIntervalSinceNow: -60)], ofItemAtPath: a)
        #expect(try life.status().parsed == ["relax/a", "relax/b"])
        #expect(try life.status().parsed == ["relax/b"])

        // Other content: the run killed two days ago replaces the converged one; the cache is not used.
        try FileManager.default.removeItem(atPath: a)
        try FileManager.default.copyItem(atPath: runs + "/relax/b/vasprun.xml", toPath: runs + "/relax/a/vasprun.xml")
        try FileManager.default.setAttributes([.modificationDate: Date(timeIntervalSinceNow: -2 * 86400)], ofItemAtPath: runs + "/relax/a/vasprun.xml")
        let changed = try life.status()
        #expect(changed.parsed == ["relax/a", "relax/b"])
        #expect(changed.run(named: "relax/a")?.state == .failed, "\(changed.run(named: "relax/a")?.detail ?? "")")
        #expect(changed.fromCache == 0)

        // Deleting the journal loses only the cache: the next status reads everything and says the same.
        try FileManager.default.removeItem(atPath: Journal.path(runs: runs))
        let again = try life.status()
        #expect(again.parsed == ["relax/a", "relax/b"])
        #expect(again.calculations.map(\.state) == changed.calculations.map(\.state))
    }

    @Test func sameSizeAndTimeButOtherBytesIsAChange() throws {
        let folder = try Temp.folder("cache-key")
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let text = String(repeating: "x", count: 20_000)
        try Temp.write(text, folder + "/OUTCAR")
        let date = Date(timeIntervalSince1970: 1_700_000_000)
        try FileManager.default.setAttributes([.modificationDate: date], ofItemAtPath: folder + "/OUTCAR")
        let before = try #require(StatusCache.key(folder: folder, isNeb: false))
        // The last byte differs; size and modification time are set back to the same values.
        try Temp.write(String(text.dropLast()) + "y", folder + "/OUTCAR")
        try FileManager.default.setAttributes([.modificationDate: date], ofItemAtPath: folder + "/OUTCAR")
        let after = try #require(StatusCache.key(folder: folder, isNeb: false))
        #expect(before != after)
        #expect(before.split(separator: " ").dropLast() == after.split(separator: " ").dropLast(), "\(before)\n\(after)")
        #expect(StatusCache.key(folder: folder + "/none", isNeb: false) == nil)
        // The stored form reads back to the same report.
        let report = RunFolderReport(
            state: .unconverged, reason: "r", energy: -1.5, maxForce: 0.2, ionicSteps: 3, hasOutputs: true,
            images: [ImageStatus(label: "01", state: .converged, reason: "i", energy: -2, maxForce: nil)], vaspVersion: "6.4.2")
        #expect(StatusCache.encode(report).flatMap(StatusCache.decode) == report)
    }
}

/// The generated NEB job script run in bash: after `resume` continued the band, its stage-in leaves
/// the image POSCARs alone; without the marker it interpolates again.
@Suite("NEB resume and the job script")
struct NebJobScriptTests {
    static func bash(_ script: String, in folder: String, environment: [String: String] = [:]) throws -> (status: Int32, output: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/bash")
        process.arguments = [script]
        process.currentDirectoryURL = URL(fileURLWithPath: folder)
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { _, new in new }
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        try process.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: data, as: UTF8.self))
    }

    @Test func aContinuedBandIsNotInterpolatedAgain() throws {
        let root = try Temp.folder("neb-job")
        defer { try? FileManager.default.removeItem(atPath: root) }
        for end in ["a", "b"] {
            try Temp.write("relaxed \(end)\n", "\(root)/relax/\(end)/CONTCAR")
            try Temp.write("outcar \(end)\n", "\(root)/relax/\(end)/OUTCAR")
        }
        // A stand-in `cascade images`: writes "interpolated" into every image POSCAR.
        let fake = root + "/bin/cascade"
        try Temp.write(
            "#!/bin/sh\ntest \"$1\" = images || exit 3\nfor i in 00 01 02 03; do mkdir -p $i; echo \"interpolated $i\" > $i/POSCAR; done\n", fake, mode: 0o755)
        let folder = root + "/neb/x"
        let stageIn = JobScript.nebStageIn(
            initial: "../../relax/a", final: "../../relax/b", names: ("relax/a", "relax/b"), intermediate: 2, method: .idpp, cascade: fake)
        try Temp.write("#!/bin/bash\nset -euo pipefail\n" + stageIn.joined(separator: "\n") + "\n", folder + "/job.sh", mode: 0o755)
        try Temp.write("IMAGES = 2\nIBRION = 3\n", folder + "/INCAR")

        // First run: the images are interpolated, the end points' OUTCARs copied in.
        let first = try Self.bash("job.sh", in: folder)
        #expect(first.status == 0, "\(first.output)")
        #expect(try String(contentsOfFile: folder + "/01/POSCAR", encoding: .utf8) == "interpolated 01\n")
        #expect(try String(contentsOfFile: folder + "/03/OUTCAR", encoding: .utf8) == "outcar b\n")

        // VASP ran until the wall time: every inner image has moved.
        try Temp.write("*** JOB 5 ON vm CANCELLED AT 2026-12-07T19:40:34 DUE TO TIME LIMIT ***\n", folder + "/slurm-5.out")
        for image in ["01", "02"] {
            try Temp.write("moved \(image)\n", "\(folder)/\(image)/CONTCAR")
            try Temp.write("outcar \(image)\n", "\(folder)/\(image)/OUTCAR")
        }
        let row = CalculationRun(
            name: "neb/x", folder: folder, isNeb: true, state: .timeout, detail: "wall time", jobID: "5", job: nil,
            disk: RunFolderReport(state: .truncated, reason: "", hasOutputs: true, images: []), cause: .walltime,
            blockedBy: nil, generated: true, attempts: 0)
        var action = try Attempts.plan(row: row, cause: .walltime)
        #expect(action.poscarFrom == "attempt-1/{01,02}/CONTCAR")
        #expect(
            action.notes == ["writes cascade-continue: job.sh skips its stage-in (the images are not interpolated again) while it exists"], "\(action.notes)")
        let before = try String(contentsOfFile: folder + "/job.sh", encoding: .utf8)
        try Attempts.apply(&action, row: row)
        #expect(try String(contentsOfFile: folder + "/job.sh", encoding: .utf8) == before, "a generated job.sh is guarded already")

        // The resubmitted job: the continued POSCARs stay, the end points' OUTCARs come back.
        let second = try Self.bash("job.sh", in: folder)
        #expect(second.status == 0, "\(second.output)")
        #expect(second.output.contains("cascade-continue (cascade resume): continuing from the POSCARs there"), "\(second.output)")
        for image in ["01", "02"] {
            #expect(try String(contentsOfFile: "\(folder)/\(image)/POSCAR", encoding: .utf8) == "moved \(image)\n")
        }
        #expect(try String(contentsOfFile: folder + "/00/OUTCAR", encoding: .utf8) == "outcar a\n")
        #expect(try String(contentsOfFile: folder + "/attempt-1/01/POSCAR", encoding: .utf8) == "interpolated 01\n")

        // Without the marker the band is interpolated afresh.
        try FileManager.default.removeItem(atPath: folder + "/cascade-continue")
        #expect(try Self.bash("job.sh", in: folder).status == 0)
        #expect(try String(contentsOfFile: folder + "/01/POSCAR", encoding: .utf8) == "interpolated 01\n")
    }
}

/// Running progress: ionic and SCF step from OSZICAR's tail (a real NEB image's OSZICAR from the
/// corpus, cut as a running job leaves it), the force against |EDIFFG| from the INCAR.
@Suite("running progress")
struct ProgressTests {
    static var oszicar: String { Corpus.root + "/neb/aiida-vasp_NH3_inversion/01/OSZICAR" }

    @Test func oszicarTail() throws {
        guard FileManager.default.fileExists(atPath: Self.oszicar) else {
            if ProcessInfo.processInfo.environment["CI"] == "true" { Issue.record("CI=true but no corpus at \(Self.oszicar)") }
            return
        }
        let text = try String(contentsOfFile: Self.oszicar, encoding: .utf8)
        // The finished file ends with "  21 F= -.19491537E+02 E0= …" after SCF steps 1 … 11.
        let done = try #require(OszicarProgress.parse(text))
        #expect(done.ionicSteps == 21 && done.scfStep == nil)
        #expect(done.lastFreeEnergy == -19.491537)
        // Cut before that line: ionic step 21 is in progress at SCF step 11.
        let cut = String(text[..<text.range(of: "  21 F=")!.lowerBound])
        let running = try #require(OszicarProgress.parse(cut))
        #expect(running.ionicSteps == 20 && running.scfStep == 11)
        #expect(running.lastScfEnergy == -19.4915365127)
        #expect(OszicarProgress.parse("       N       E                     dE\n") == nil)
        #expect(OszicarProgress.parse("CG :   3    -0.1E+02\n")?.scfStep == 3)

        // The same, through the file's tail and the status text.
        let folder = try Temp.folder("progress")
        defer { try? FileManager.default.removeItem(atPath: folder) }
        try Temp.write(String(repeating: "# padding so only the tail is read\n", count: 3000) + cut, folder + "/OSZICAR")
        try Temp.write("IBRION = 2\nEDIFFG = -0.05\n", folder + "/INCAR")
        let progress = RunProgress.read(folder: folder, isNeb: false)
        #expect(progress.scfStep == 11 && progress.forceCriterion == 0.05)
        let disk = RunFolderReport(state: .running, reason: "", energy: -19.4954, maxForce: 0.0712, ionicSteps: 20, hasOutputs: true, images: [])
        #expect(progress.text(disk) == "; ionic step 21 (SCF step 11), E = -19.4954 eV, max F = 0.071 eV/Å (|EDIFFG| = 0.05)")
        var below = disk
        below.maxForce = 0.031
        #expect(progress.text(below).hasSuffix("max F = 0.031 eV/Å (|EDIFFG| = 0.05, below)"))
    }

    /// An NEB band: one entry per inner image (corpus NH3 inversion: images 01 … 03 each finished 21
    /// ionic steps; 01 cut as a running job leaves it).
    @Test func perImageForAnNeb() throws {
        let band = Corpus.root + "/neb/aiida-vasp_NH3_inversion"
        guard FileManager.default.fileExists(atPath: band) else { return }
        let folder = try Temp.folder("neb-progress")
        defer { try? FileManager.default.removeItem(atPath: folder) }
        for image in ["00", "01", "02", "03", "04"] {
            try FileManager.default.createDirectory(atPath: "\(folder)/\(image)", withIntermediateDirectories: true)
        }
        let text = try String(contentsOfFile: band + "/01/OSZICAR", encoding: .utf8)
        try Temp.write(String(text[..<text.range(of: "  21 F=")!.lowerBound]), folder + "/01/OSZICAR")
        for image in ["02", "03"] {
            try FileManager.default.copyItem(atPath: "\(band)/\(image)/OSZICAR", toPath: "\(folder)/\(image)/OSZICAR")
        }
        try Temp.write("IMAGES = 3\nEDIFFG = -0.1\n", folder + "/INCAR")
        let progress = RunProgress.read(folder: folder, isNeb: true)
        #expect(progress.parts.map(\.label) == ["01", "02", "03"])
        #expect(progress.scfStep == 11)
        let disk = RunFolderReport(state: .running, reason: "", maxForce: 0.25, hasOutputs: true, images: [])
        #expect(
            progress.text(disk)
                == "; images 01: ionic step 21 (SCF step 11), 02: 21 ionic steps done, 03: 21 ionic steps done, max F = 0.250 eV/Å (|EDIFFG| = 0.1)")
    }
}
