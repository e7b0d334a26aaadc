import Analysis
import Foundation
import Study
import Synchronization
import VASP

/// `cascade status`, `submit` and `resume` on one study: the manifest (which calculations, which
/// depends on which), the run tree (the truth: files on disk), SLURM (through ``Slurm``) and the
/// journal (job ids, remedies).
public struct StudyLifecycle: Sendable {
    /// The study's manifest: its calculations and which depends on which.
    public var manifest: StudyManifest
    /// The run tree, absolute and with symbolic links resolved (SLURM reports working folders so).
    public var runs: String
    /// How SLURM is called (environment, time limit per command).
    public var slurm: Slurm
    /// The current time, for the journal (tests may fix it).
    public var clock: @Sendable () -> Double

    /// The lifecycle of `manifest` on the run tree `runs` (made absolute, symbolic links resolved); `clock` gives the journal's times (seconds since 1970).
    public init(manifest: StudyManifest, runs: String, slurm: Slurm = Slurm(), clock: @escaping @Sendable () -> Double = { Date().timeIntervalSince1970 }) {
        self.manifest = manifest
        self.runs = StudyLifecycle.absolute(runs)
        self.slurm = slurm
        self.clock = clock
    }

    static func absolute(_ path: String) -> String {
        let url = URL(fileURLWithPath: path, relativeTo: URL(fileURLWithPath: FileManager.default.currentDirectoryPath))
        return url.standardizedFileURL.resolvingSymlinksInPath().path
    }

    func folder(_ name: String) -> String { "\(runs)/\(name)" }

    /// Opens the journal (creating `RUNS/.cascade/`).
    public func journal() throws -> Journal { try Journal(runs: runs) }

    // MARK: Status

    /// The state of every calculation, in dependency order. SLURM missing or failing is a warning here
    /// (the files alone still say a lot); `requireScheduler` makes it an error (submit, resume).
    ///
    /// Finished runs are read once: their reports are kept in the journal's status cache
    /// (``StatusCache``) and used again while their output files are unchanged. `writeCache: false`
    /// (dry runs) neither creates the journal nor stores anything in it.
    public func status(requireScheduler: Bool = false, journal given: Journal? = nil, writeCache: Bool = true) throws -> StudyRunStatus {
        var warnings: [String] = []
        var jobs: [SlurmJob] = []
        var answered = true
        do {
            jobs = try slurm.queue()
        } catch {
            if requireScheduler { throw error }
            answered = false
            warnings.append("\(error); showing what the files say")
        }
        var journal = given
        if journal == nil, writeCache || FileManager.default.fileExists(atPath: Journal.path(runs: runs)) {
            do { journal = try Journal(runs: runs) } catch {
                warnings.append("journal \(Journal.path(runs: runs)) cannot be opened (\(error)): job ids from squeue only, every output read")
            }
        }
        var submissions: [String: Journal.Submission] = [:]
        var cached: [String: Journal.CachedReport] = [:]
        if let journal {
            do {
                submissions = try journal.latestSubmissions()
                cached = try journal.cachedReports()
            } catch {
                warnings.append("journal \(journal.path) unreadable (\(error)): job ids from squeue only, every output read")
            }
        }
        let byID = Dictionary(jobs.map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a })
        // Jobs by working folder, the newest last: finds queued jobs when the journal was deleted.
        var byFolder: [String: SlurmJob] = [:]
        for job in jobs.sorted(by: { (Int($0.id) ?? 0) < (Int($1.id) ?? 0) }) where !job.workDir.isEmpty {
            byFolder[job.workDir] = job
        }
        let entries = manifest.calculationsInDependencyOrder
        let looks = diskLooks(entries, cached: cached)
        var rows: [String: CalculationRun] = [:]
        var ordered: [CalculationRun] = []
        for (entry, disk) in zip(entries, looks) {
            let row = look(entry, disk: disk.report, submission: submissions[entry.name], byID: byID, byFolder: byFolder, answered: answered, parents: rows)
            rows[entry.name] = row
            var shown = row
            shown.detail = row.detail.replacingOccurrences(of: runs + "/", with: "")
            ordered.append(shown)
        }
        let fresh = looks.compactMap(\.store)
        if writeCache, let journal, !fresh.isEmpty {
            do { try journal.store(fresh, time: clock()) } catch { warnings.append("status cache not stored in \(journal.path) (\(error))") }
        }
        var status = StudyRunStatus(study: manifest.study, runs: runs, calculations: ordered, warnings: warnings, schedulerAnswered: answered)
        status.parsed = zip(entries, looks).filter { $0.1.parsed }.map { $0.0.name }
        status.fromCache = looks.filter(\.fromCache).count
        return status
    }

    /// What the files of one calculation say, and where that came from.
    struct DiskLook: Sendable {
        var report: RunFolderReport
        /// Output files were read (not taken from the cache).
        var parsed: Bool
        var fromCache: Bool
        /// A new cache entry to store.
        var store: Journal.CachedReport?
    }

    /// The folder reports of `entries`, on every core: from the cache when the output files are those
    /// the cached report was made from, else read (and, when final, offered to the cache).
    func diskLooks(_ entries: [CalculationEntry], cached: [String: Journal.CachedReport]) -> [DiskLook] {
        let results = Mutex<[DiskLook?]>(Array(repeating: nil, count: entries.count))
        DispatchQueue.concurrentPerform(iterations: entries.count) { k in
            let look = diskLook(entries[k], cached: cached[entries[k].name])
            results.withLock { $0[k] = look }
        }
        return results.withLock { $0 }.enumerated().map { k, look in
            look ?? diskLook(entries[k], cached: nil)
        }
    }

    func diskLook(_ entry: CalculationEntry, cached: Journal.CachedReport?) -> DiskLook {
        let dir = folder(entry.name)
        let isNeb = entry.neb != nil
        let key = StatusCache.key(folder: dir, isNeb: isNeb)
        if let key, let cached, cached.filesKey == key, let report = StatusCache.decode(cached.report) {
            return DiskLook(report: report, parsed: false, fromCache: true, store: nil)
        }
        let report = RunFolderProbe.look(at: entry, runs: runs, options: TabulationOptions(runningWindow: 600, hashFiles: false))
        var store: Journal.CachedReport?
        // Stored only when the files did not change while they were read.
        if let key, StatusCache.isFinal(report.state), StatusCache.key(folder: dir, isNeb: isNeb) == key, let text = StatusCache.encode(report) {
            store = Journal.CachedReport(calculation: entry.name, filesKey: key, report: text)
        }
        return DiskLook(report: report, parsed: key != nil, fromCache: false, store: store)
    }

    func look(
        _ entry: CalculationEntry, disk: RunFolderReport, submission: Journal.Submission?, byID: [String: SlurmJob], byFolder: [String: SlurmJob],
        answered: Bool, parents: [String: CalculationRun]
    ) -> CalculationRun {
        let dir = folder(entry.name)
        var jobID = submission?.jobID
        var job = jobID.flatMap { byID[$0] }
        if let found = byFolder[dir], found.isActive, job.map({ (Int(found.id) ?? 0) > (Int($0.id) ?? 0) }) ?? true {
            job = found
            jobID = found.id
        }
        if job == nil, let id = jobID, answered, disk.state != .converged {
            job = try? slurm.show(job: id)  // squeue --me may not list it; scontrol may still know it
        }
        var run = CalculationRun(
            name: entry.name, folder: dir, isNeb: entry.neb != nil, state: .generated, detail: "", jobID: jobID, job: job, disk: disk,
            cause: nil, blockedBy: nil, generated: FileManager.default.fileExists(atPath: "\(dir)/job.sh"), attempts: Attempts.count(in: dir))
        let failedParent = entry.dependencies.first {
            parents[$0].map { [.failed, .timeout, .cancelled, .unconverged, .blocked, .notGenerated].contains($0.state) } ?? false
        }

        if let job, job.isActive {
            if job.state == "PENDING" {
                if job.isBlocked {
                    run.state = .blocked
                    let parent = failedParent ?? parentName(ofDependency: job.dependency, parents: parents)
                    run.blockedBy = parent
                    run.detail =
                        "job \(job.id) can never start (DependencyNeverSatisfied: \(job.dependency))"
                        + (parent.map { "; \($0) \(parents[$0]?.state.rawValue ?? "failed")" } ?? "")
                } else {
                    run.state = .pending
                    run.detail = "job \(job.id) pending (\(job.reason.isEmpty ? "None" : job.reason))" + (job.dependency.isEmpty ? "" : " \(job.dependency)")
                }
            } else {
                run.state = .running
                let progress = RunProgress.read(folder: dir, isNeb: run.isNeb)
                run.scfStep = progress.scfStep
                run.detail = "job \(job.id) \(job.state.lowercased())" + progress.text(disk) + StudyLifecycle.clockText(job)
            }
            return run
        }
        switch disk.state {
        case .converged, .mismatch, .collapsed:
            run.state = .converged
            run.detail = disk.reason
            return run
        default: break
        }
        // A job whose files `resume` moved into an attempt folder is history: the folder is ready again.
        let archived = jobID.map { Attempts.archived(jobID: $0, folder: dir) } ?? false
        let ended = !archived && (job != nil || jobID != nil)
        if disk.state == .unconverged || disk.isIncomplete || (ended && !disk.hasOutputs && job?.state != "CANCELLED") {
            if !ended && disk.state == .running {
                run.state = .running
                let progress = RunProgress.read(folder: dir, isNeb: run.isNeb)
                run.scfStep = progress.scfStep
                run.detail = "outputs written in the last 10 min, no job known" + progress.text(disk)
                return run
            }
            let evidence: FailureDiagnosis.DiskEvidence
            if disk.state == .unconverged {
                evidence = disk.reason.hasPrefix("electronic") ? .unconvergedElectronic(disk.reason) : .unconvergedIonic(disk.reason)
            } else if disk.isIncomplete {
                // The probe's age-based guess (still being written / killed) is replaced by SLURM's word.
                let cut = disk.reason.range(of: "; last written")?.lowerBound ?? disk.reason.range(of: ": still being written")?.lowerBound
                evidence = .incomplete(cut.map { String(disk.reason[..<$0]) } ?? disk.reason)
            } else {
                evidence = .none
            }
            let (cause, text) = FailureDiagnosis.diagnose(folder: dir, jobID: jobID, slurmState: job?.state, disk: evidence)
            run.cause = cause
            switch cause {
            case .walltime: run.state = .timeout
            case .cancelled: run.state = .cancelled
            case .ionicNotConverged, .electronicNotConverged: run.state = .unconverged
            default: run.state = .failed
            }
            run.detail = "\(cause.summary) (\(text))" + RunProgress.read(folder: dir, isNeb: run.isNeb).text(disk)
            return run
        }
        if !archived, let job, job.state == "CANCELLED" {
            run.state = .cancelled
            run.detail = "job \(job.id) cancelled before it started"
            return run
        }
        if !run.generated {
            run.state = .notGenerated
            run.detail = "no \(dir)/job.sh: run `cascade generate`"
            return run
        }
        if let failedParent {
            run.state = .blocked
            run.blockedBy = failedParent
            run.detail = "waits for \(failedParent), which is \(parents[failedParent]?.state.rawValue ?? "not done")"
            return run
        }
        run.state = .generated
        run.detail = "ready to submit"
        return run
    }

    func parentName(ofDependency dependency: String, parents: [String: CalculationRun]) -> String? {
        // afterok:4(failed):5(unfulfilled) → the parent whose job id is 4
        let failedIDs = dependency.split(whereSeparator: { $0 == ":" || $0 == "," }).compactMap { part -> String? in
            guard part.hasSuffix("(failed)") else { return nil }
            return String(part.prefix { $0.isNumber })
        }
        return parents.values.first { $0.jobID.map(failedIDs.contains) ?? false }?.name
    }

    static func clockText(_ job: SlurmJob) -> String {
        job.elapsed.isEmpty ? "" : "; \(job.elapsed) of \(job.timeLimit) elapsed"
    }

    // MARK: Submit

    /// One `sbatch` that `submit` makes (or, dry, would make).
    public struct Submission: Sendable, Hashable {
        /// The calculation's name in the manifest (its folder under the run tree, e.g. `relax/tfsi`).
        public var calculation: String
        /// The calculation's folder (absolute), where `sbatch` runs.
        public var folder: String
        /// Job ids it waits for; `<name>` for a job submitted in the same pass (dry run).
        public var afterOK: [String]
        /// The new job id (nil on a dry run).
        public var jobID: String?

        /// The command line, as run in the calculation's folder.
        public var commandLine: String {
            "(cd \(folder) && sbatch " + Slurm.sbatchArguments(script: "job.sh", afterOK: afterOK).joined(separator: " ") + ")"
        }
    }

    /// What `submit` did: the submissions, and why the others were left alone.
    public struct SubmitReport: Sendable {
        /// The `sbatch` calls made (or, on a dry run, that would be made), in dependency order.
        public var submitted: [Submission]
        /// `name: why not` for calculations that match `--only` but were not submitted.
        public var skipped: [String]
        /// The status pass's warnings (SLURM not reachable, journal unreadable, …).
        public var warnings: [String]
    }

    /// Submits every calculation that is generated, has no output and is not queued, in dependency
    /// order, each with afterok on the parents still queued or running (converged parents are not waited
    /// for; a parent in any other state keeps its dependants back). `fresh` names calculations to treat
    /// as never run (those `resume` just set up). Idempotent.
    public func submit(only: [String] = [], dryRun: Bool, fresh: Set<String> = [], status given: StudyRunStatus? = nil) throws -> SubmitReport {
        let journal = dryRun ? nil : try self.journal()
        let status = try given ?? self.status(requireScheduler: true, journal: journal, writeCache: !dryRun)
        var newIDs: [String: String] = [:]
        var report = SubmitReport(submitted: [], skipped: [], warnings: status.warnings)
        let rows = Dictionary(status.calculations.map { ($0.name, $0) }, uniquingKeysWith: { a, _ in a })
        for entry in manifest.calculationsInDependencyOrder {
            guard let row = rows[entry.name] else { continue }
            let selected = only.isEmpty || only.contains { fnmatch($0, entry.name, 0) == 0 }
            let isFresh = fresh.contains(entry.name)
            if !isFresh {
                let why: String? =
                    switch row.state {
                    case .converged: "converged"
                    case .pending, .running: "queued (job \(row.jobID ?? "?"))"
                    case .blocked where row.job?.isActive ?? false: "blocked in the queue (job \(row.jobID ?? "?")): run `cascade resume`"
                    case .notGenerated: "not generated"
                    case .failed, .timeout, .unconverged: "\(row.state.rawValue): run `cascade resume`"
                    case .cancelled where row.disk.hasOutputs: "cancelled while running: run `cascade resume`"
                    default: nil
                    }
                if let why {
                    if selected && row.state != .converged { report.skipped.append("\(entry.name): \(why)") }
                    continue
                }
            }
            guard selected else { continue }
            var after: [String] = []
            var waitsInVain: String?
            for parent in entry.dependencies {
                if let id = newIDs[parent] {
                    after.append(id)
                } else if fresh.contains(parent) {
                    waitsInVain = "\(parent) was not submitted"
                } else if let p = rows[parent] {
                    if p.state == .converged { continue }
                    if p.isQueued, let id = p.jobID {
                        after.append(id)
                        continue
                    }
                    waitsInVain = "\(parent) is \(p.state.rawValue)"
                }
            }
            if let waitsInVain {
                report.skipped.append("\(entry.name): waits for \(waitsInVain)")
                continue
            }
            var submission = Submission(calculation: entry.name, folder: row.folder, afterOK: after, jobID: nil)
            if dryRun {
                newIDs[entry.name] = "<\(entry.name)>"
            } else {
                let id = try slurm.submit(script: "job.sh", folder: row.folder, afterOK: after)
                submission.jobID = id
                newIDs[entry.name] = id
                try journal?.record(
                    Journal.Submission(
                        calculation: entry.name, jobID: id, time: clock(), inputsHash: Attempts.inputsHash(folder: row.folder),
                        afterOK: after, attempt: row.attempts + 1))
            }
            report.submitted.append(submission)
        }
        return report
    }

    // MARK: Resume

    /// What `resume` does for one calculation.
    public struct ResumeAction: Sendable, Hashable {
        /// The calculation's name in the manifest (its folder under the run tree, e.g. `relax/tfsi`).
        public var calculation: String
        /// The state that called for a remedy: failed, timeout, unconverged, or cancelled with outputs.
        public var state: RunState
        /// The diagnosed failure cause.
        public var cause: FailureCause
        /// What shows the cause: the status line of the calculation (``CalculationRun/detail``).
        public var evidence: String
        /// The remedy applied, or nil when Cascade gives up (``giveUp``).
        public var remedy: Remedy?
        /// Why Cascade leaves the calculation alone (no remedy applies, it was tried already, or the INCAR has it already), or `nil`.
        public var giveUp: String?
        /// The attempt folder the previous run's files go to.
        public var attemptFolder: String?
        /// The INCAR diff (empty when the INCAR is unchanged).
        public var incarDiff: String
        /// Files moved into the attempt folder (relative to the calculation folder).
        public var moved: [String]
        /// POSCAR ← CONTCAR of the previous run.
        public var poscarFrom: String?
        /// What the user should know (e.g. job.sh replaces POSCAR at run time).
        public var notes: [String] = []
    }

    /// What `resume` did (or, on a dry run, would do): remedies, cancelled blocked jobs, and the submit pass that followed.
    public struct ResumeReport: Sendable {
        /// One action per failed, timed-out or unconverged calculation (or cancelled one with outputs) that has a diagnosed cause and matches `only`.
        public var actions: [ResumeAction]
        /// Jobs cancelled because SLURM had left them pending with DependencyNeverSatisfied.
        public var cancelled: [(calculation: String, jobID: String)]
        /// The submit pass after the remedies: the remedied calculations, resubmitted blocked jobs and their dependants.
        public var submit: SubmitReport
        /// Remedies found half-applied (a resume that was interrupted) and completed.
        public var completed: [String]
    }

    /// Applies one remedy to every failed, timed-out or unconverged calculation (previous files kept in
    /// `attempt-N/`), cancels the jobs SLURM left blocked, then submits those calculations and their
    /// dependants. `dryRun` changes nothing and says what would happen.
    public func resume(only: [String] = [], dryRun: Bool) throws -> ResumeReport {
        let journal = dryRun ? nil : try self.journal()
        var completed: [String] = []
        if !dryRun {
            for entry in manifest.calculations {
                if let done = try Attempts.completeInterrupted(folder: folder(entry.name), isNeb: entry.neb != nil) {
                    completed.append(
                        "\(entry.name): completed the remedy interrupted in attempt-\(done.attempt)" + (done.record.remedy.map { " (\($0))" } ?? ""))
                    try journal?.record(
                        Journal.RemedyRecord(
                            calculation: entry.name, attempt: done.attempt, cause: done.record.cause ?? "unknown",
                            remedy: done.record.remedy ?? "unknown", time: clock()))
                }
            }
        }
        var status = try self.status(requireScheduler: true, journal: journal, writeCache: !dryRun)
        var actions: [ResumeAction] = []
        var fresh = Set<String>()
        for row in status.calculations where row.state.needsRemedy || (row.state == .cancelled && row.disk.hasOutputs) {
            guard only.isEmpty || only.contains(where: { fnmatch($0, row.name, 0) == 0 }) else { continue }
            guard let cause = row.cause else { continue }
            var action = try Attempts.plan(row: row, cause: cause)
            if action.giveUp == nil, !dryRun, let remedy = action.remedy {
                try Attempts.apply(&action, row: row)
                try journal?.record(
                    Journal.RemedyRecord(
                        calculation: row.name, attempt: row.attempts + 1, cause: cause.rawValue, remedy: remedy.name, time: clock()))
            }
            if action.giveUp == nil { fresh.insert(row.name) }
            actions.append(action)
        }
        // Every job SLURM will never start is cancelled; the submit pass below submits again those whose
        // parents are now queued (the others stay back, named in `skipped`).
        var cancelled: [(String, String)] = []
        for row in status.calculations where row.state == .blocked {
            guard let job = row.job, job.isBlocked else { continue }
            cancelled.append((row.name, job.id))
            fresh.insert(row.name)
        }
        if !dryRun, !cancelled.isEmpty {
            try slurm.cancel(cancelled.map(\.1))
        }
        if !dryRun { status = try self.status(requireScheduler: true, journal: journal) }
        let submit = try self.submit(only: [], dryRun: dryRun, fresh: fresh, status: status)
        return ResumeReport(actions: actions, cancelled: cancelled, submit: submit, completed: completed)
    }
}
