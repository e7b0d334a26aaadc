import Files
import Foundation
import Study
import VASP

/// The numbered attempt folders inside a calculation (`attempt-1/`, `attempt-2/`, …): each holds the
/// inputs and outputs of one earlier run and `cascade-remedy.txt`, what `cascade resume` changed after
/// it. Applying a remedy first writes `cascade-remedy.pending` (the plan), then copies the inputs,
/// moves the outputs, writes POSCAR and INCAR, and renames the plan to `cascade-remedy.txt`; a resume
/// interrupted half-way is completed by the next one from that plan. Nothing is ever deleted.
enum Attempts {
    static let planName = "cascade-remedy.pending"
    static let recordName = "cascade-remedy.txt"

    /// The attempt numbers present in `folder`.
    static func numbers(in folder: String) -> [Int] {
        let names = FileSystem.names(in: folder)
        return names.compactMap { $0.hasPrefix("attempt-") ? Int($0.dropFirst(8)) : nil }.sorted()
    }

    static func count(in folder: String) -> Int { numbers(in: folder).count }

    /// SHA-256 over INCAR, KPOINTS, POSCAR and job.sh as they are now (absent files count as empty).
    static func inputsHash(folder: String) -> String {
        var hash = SHA256()
        for name in RunFiles.inputs {
            hash.update(Array(name.utf8))
            if let data = FileManager.default.contents(atPath: "\(folder)/\(name)") { hash.update([UInt8](data)) }
        }
        return hash.finalize()
    }

    /// The remedies recorded in the attempt folders (`remedy:` lines), oldest first, with their folder.
    static func previousRemedies(in folder: String) -> [(attempt: String, remedy: String)] {
        numbers(in: folder).compactMap { n in
            let dir = "\(folder)/attempt-\(n)"
            for name in [recordName, planName] {
                guard let text = try? String(contentsOfFile: "\(dir)/\(name)", encoding: .utf8) else { continue }
                let fields = Record.parse(text)
                if let remedy = fields.remedy { return ("attempt-\(n)", remedy) }
            }
            return nil
        }
    }

    /// The job `jobID` ran and its files went into an attempt folder (its slurm-ID.out is there, not here).
    static func archived(jobID: String, folder: String) -> Bool {
        let name = "slurm-\(jobID).out"
        guard !FileManager.default.fileExists(atPath: "\(folder)/\(name)") else { return false }
        return numbers(in: folder).contains { FileManager.default.fileExists(atPath: "\(folder)/attempt-\($0)/\(name)") }
    }

    // MARK: Planning

    static func plan(row: CalculationRun, cause: FailureCause) throws -> StudyLifecycle.ResumeAction {
        let folder = row.folder
        var action = StudyLifecycle.ResumeAction(
            calculation: row.name, state: row.state, cause: cause, evidence: row.detail, remedy: nil, giveUp: nil,
            attemptFolder: nil, incarDiff: "", moved: [], poscarFrom: nil)
        let incar = (try? String(contentsOfFile: "\(folder)/INCAR", encoding: .utf8)) ?? ""
        let remedy: Remedy
        switch Remedy.of(cause, incar: incar, outcarTail: FailureDiagnosis.tail("\(folder)/OUTCAR")) {
        case .failure(let g):
            action.giveUp = g.reason
            return action
        case .success(let r): remedy = r
        }
        let earlier = previousRemedies(in: folder).filter { $0.remedy == remedy.name }
        if earlier.count >= remedy.maximumTries {
            let times = remedy.maximumTries == 1 ? "once" : "\(remedy.maximumTries) times"
            action.giveUp =
                "\(cause.summary) again after \"\(remedy.name)\" (\(earlier.map(\.attempt).joined(separator: ", "))); that remedy is tried \(times): look at the run by hand"
            return action
        }
        let edited = IncarEditor.apply(remedy.incar, to: incar)
        if !remedy.incar.isEmpty, edited.changes.allSatisfy({ ($0.old ?? "").caseInsensitiveCompare($0.value) == .orderedSame }) {
            action.giveUp =
                "\(cause.summary), and the INCAR already has \(remedy.incar.map { "\($0.tag) = \($0.value)" }.joined(separator: ", ")): look at the run by hand"
            return action
        }
        action.remedy = remedy
        action.incarDiff = remedy.incar.isEmpty ? "" : IncarEditor.diff(edited.changes, file: "\(row.name)/INCAR")
        let n = (numbers(in: folder).last ?? 0) + 1
        action.attemptFolder = "\(folder)/attempt-\(n)"
        action.moved = outputs(in: folder, neb: row.isNeb)
        if remedy.continueFromContcar {
            if row.isNeb {
                let images = innerImages(folder).filter { nonEmpty("\(folder)/\($0)/CONTCAR") }
                if !images.isEmpty { action.poscarFrom = "attempt-\(n)/{\(images.joined(separator: ","))}/CONTCAR" }
            } else if nonEmpty("\(folder)/CONTCAR") {
                action.poscarFrom = "attempt-\(n)/CONTCAR"
            }
        }
        if action.poscarFrom != nil {
            // job.sh stages its starting structures in at run time (the images interpolated from the end
            // points, a parent's CONTCAR): those lines must not replace the continued POSCARs.
            let script = (try? String(contentsOfFile: "\(folder)/job.sh", encoding: .utf8)) ?? ""
            let unguarded = stageInLines(script)
            let guarded = script.split(separator: "\n").contains { ContinuedRun.isGuarded(Substring($0.trimmingCharacters(in: .whitespaces))) }
            if guarded || !unguarded.isEmpty {
                action.notes.append(
                    "writes \(ContinuedRun.marker): job.sh skips its stage-in (\(row.isNeb ? "the images are not interpolated again" : "the parent's CONTCAR is not copied again")) while it exists"
                )
            }
            if !unguarded.isEmpty {
                action.notes.append(
                    "job.sh was written before that guard: \(unguarded.count == 1 ? "its line" : "its lines") \(unguarded.map { "`\($0)`" }.joined(separator: ", ")) \(unguarded.count == 1 ? "is" : "are") wrapped in `if [ -e \(ContinuedRun.marker) ]` (the old job.sh kept in attempt-\(n)/)"
                )
            }
        }
        return action
    }

    /// The stage-in lines of a job script that write starting structures and are not yet guarded by
    /// ``ContinuedRun``: `"$CASCADE" images …`, `cp …/CONTCAR POSCAR` (the folder's own POSCAR).
    static func stageInLines(_ script: String) -> [String] {
        script.split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }.filter { line in
            guard !ContinuedRun.isGuarded(Substring(line)) else { return false }
            return line.hasPrefix("\"$CASCADE\" images ") || (line.hasPrefix("cp ") && line.hasSuffix("/CONTCAR POSCAR"))
        }
    }

    /// Output files of the folder (and of its image folders for an NEB), relative to it.
    static func outputs(in folder: String, neb: Bool) -> [String] {
        var out = names(in: folder).filter(RunFiles.isOutput).sorted()
        if neb {
            for image in imageFolders(folder) {
                out += names(in: "\(folder)/\(image)").filter(RunFiles.isOutput).sorted().map { "\(image)/\($0)" }
            }
        }
        return out
    }

    static func names(in folder: String) -> [String] {
        FileSystem.names(in: folder).filter { name in
            FileSystem.exists("\(folder)/\(name)") && !FileSystem.isDirectory("\(folder)/\(name)")
        }
    }

    static func imageFolders(_ folder: String) -> [String] {
        FileSystem.names(in: folder)
            .filter { $0.count >= 2 && $0.allSatisfy(\.isNumber) }.sorted()
    }

    static func innerImages(_ folder: String) -> [String] { Array(imageFolders(folder).dropFirst().dropLast()) }

    static func nonEmpty(_ path: String) -> Bool {
        ((try? FileManager.default.attributesOfItem(atPath: path)[.size] as? NSNumber)?.intValue ?? 0) > 0
    }

    // MARK: Applying

    /// The plan as written into the attempt folder.
    struct Record {
        var cause: String?
        var remedy: String?
        var set: [IncarChange] = []
        var continueFromContcar = false

        static func parse(_ text: String) -> Record {
            var r = Record()
            for line in text.split(separator: "\n") {
                guard let colon = line.firstIndex(of: ":") else { continue }
                let key = line[..<colon].trimmingCharacters(in: .whitespaces)
                let value = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
                switch key {
                case "cause": r.cause = value
                case "remedy": r.remedy = value
                case "continue from CONTCAR": r.continueFromContcar = value == "yes"
                case "set":
                    let parts = value.split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
                    if parts.count == 2 { r.set.append(IncarChange(tag: parts[0], value: parts[1])) }
                default: break
                }
            }
            return r
        }
    }

    static func apply(_ action: inout StudyLifecycle.ResumeAction, row: CalculationRun) throws {
        guard let remedy = action.remedy, let attempt = action.attemptFolder else { return }
        try FileManager.default.createDirectory(atPath: attempt, withIntermediateDirectories: false)
        var lines = [
            "# Written by `cascade resume`: the run in this folder ended so, and this is what was changed after it.",
            "calculation: \(row.name)",
            "cause: \(action.cause.rawValue)",
            "evidence: \(action.evidence.replacingOccurrences(of: "\n", with: " "))",
            "remedy: \(remedy.name)",
            "continue from CONTCAR: \(remedy.continueFromContcar ? "yes" : "no")"
        ]
        lines += remedy.incar.map { "set: \($0.tag) = \($0.value)" }
        lines.append("time: \(ISO8601DateFormatter().string(from: Date()))")
        try AtomicFile.write(Array((lines.joined(separator: "\n") + "\n").utf8), to: "\(attempt)/\(planName)", force: false)
        try finish(folder: row.folder, attempt: attempt, neb: row.isNeb)
    }

    /// Completes the plan in `attempt` (idempotent): copy inputs, move outputs, POSCAR ← CONTCAR,
    /// INCAR changes, then the plan becomes the record.
    static func finish(folder: String, attempt: String, neb: Bool) throws {
        let fm = FileManager.default
        let record = Record.parse(try String(contentsOfFile: "\(attempt)/\(planName)", encoding: .utf8))
        for name in RunFiles.inputs where fm.fileExists(atPath: "\(folder)/\(name)") && !fm.fileExists(atPath: "\(attempt)/\(name)") {
            try fm.copyItem(atPath: "\(folder)/\(name)", toPath: "\(attempt)/\(name)")
        }
        for relative in outputs(in: folder, neb: neb) {
            let target = "\(attempt)/\(relative)"
            try fm.createDirectory(atPath: (target as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
            guard !fm.fileExists(atPath: target) else {
                throw LifecycleError.exists(target)
            }
            try fm.moveItem(atPath: "\(folder)/\(relative)", toPath: target)
            interruptionPoint("after-first-move")
        }
        if record.continueFromContcar {
            let pairs: [(String, String)] =
                neb
                ? innerImages(folder).map { ("\(attempt)/\($0)/CONTCAR", "\(folder)/\($0)/POSCAR") }
                : [("\(attempt)/CONTCAR", "\(folder)/POSCAR")]
            let continued = pairs.filter { nonEmpty($0.0) }
            if !continued.isEmpty { try markContinued(folder: folder, attempt: attempt, from: continued.map(\.0)) }
            for (from, to) in continued {
                if let before = fm.contents(atPath: to), fm.contents(atPath: from) == before { continue }
                let keep = attempt + to.dropFirst(folder.count)  // the POSCAR it replaces, kept beside the outputs
                if fm.fileExists(atPath: to), !fm.fileExists(atPath: keep) {
                    try fm.createDirectory(atPath: (keep as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
                    try fm.copyItem(atPath: to, toPath: keep)
                }
                try AtomicFile.write([UInt8](fm.contents(atPath: from) ?? Data()), to: to, force: true)
            }
        }
        if !record.set.isEmpty {
            let incar = (try? String(contentsOfFile: "\(folder)/INCAR", encoding: .utf8)) ?? ""
            let edited = IncarEditor.apply(record.set, to: incar)
            if edited.text != incar { try AtomicFile.write(Array(edited.text.utf8), to: "\(folder)/INCAR", force: true) }
        }
        try fm.moveItem(atPath: "\(attempt)/\(planName)", toPath: "\(attempt)/\(recordName)")
    }

    /// Writes the ``ContinuedRun`` marker and wraps job.sh's unguarded stage-in lines (job.sh itself was
    /// copied into the attempt folder before), so the job starts from the continued POSCARs.
    static func markContinued(folder: String, attempt: String, from: [String]) throws {
        let name = (attempt as NSString).lastPathComponent
        let text =
            "# Written by `cascade resume`: the POSCARs here continue \(name) (from \(from.map { String($0.dropFirst(folder.count + 1)) }.joined(separator: ", "))).\n# While this file exists, job.sh does not stage its starting structures in again; delete it to start afresh.\n"
        try AtomicFile.write(Array(text.utf8), to: "\(folder)/\(ContinuedRun.marker)", force: true)
        let jobPath = "\(folder)/job.sh"
        guard let script = try? String(contentsOfFile: jobPath, encoding: .utf8) else { return }
        let lines = Set(stageInLines(script))
        guard !lines.isEmpty else { return }
        let patched = script.split(separator: "\n", omittingEmptySubsequences: false).map { raw -> String in
            let line = raw.trimmingCharacters(in: .whitespaces)
            guard lines.contains(line) else { return String(raw) }
            let indent = raw.prefix { $0 == " " || $0 == "\t" }
            return indent + ContinuedRun.guarded(line)
        }.joined(separator: "\n")
        try AtomicFile.write(Array(patched.utf8), to: jobPath, force: true, mode: 0o755)
    }

    /// Finishes a remedy an interrupted `resume` left half-applied: the attempt number and its plan
    /// (cause, remedy), or nil when there is none.
    static func completeInterrupted(folder: String, isNeb: Bool) throws -> (attempt: Int, record: Record)? {
        for n in numbers(in: folder) {
            let attempt = "\(folder)/attempt-\(n)"
            guard let text = try? String(contentsOfFile: "\(attempt)/\(planName)", encoding: .utf8) else { continue }
            try finish(folder: folder, attempt: attempt, neb: isNeb)
            return (n, Record.parse(text))
        }
        return nil
    }

    /// Tests only: with `CASCADE_TEST_INTERRUPT=<point>` in the environment the process kills itself
    /// (SIGKILL, as `kill -9` or a lost node would) at that point of `resume`, so a test can check that
    /// the next `resume` completes what was left. Points: `after-first-move` (in ``finish(folder:attempt:neb:)``).
    static func interruptionPoint(_ point: String) {
        guard ProcessInfo.processInfo.environment["CASCADE_TEST_INTERRUPT"] == point else { return }
        kill(getpid(), SIGKILL)
    }
}

/// Errors of the run lifecycle.
public enum LifecycleError: Error, CustomStringConvertible {
    case exists(String)
    case noRuns(String)

    /// One line naming the path and what to do (look at the kept attempt by hand; run `cascade generate` or pass `--runs`).
    public var description: String {
        switch self {
        case .exists(let path): "\(path) exists already: refusing to overwrite a kept attempt (nothing is deleted); look at it by hand"
        case .noRuns(let path): "no run tree at \(path): run `cascade generate` first, or pass --runs"
        }
    }
}
