import Files
import Foundation

/// Why a calculation did not finish, recognised from SLURM's state, the job's standard output
/// (`slurm-<id>.out`) and OUTCAR. The signatures are the messages VASP and SLURM print; the list
/// follows the field's established ones (custodian's VaspErrorHandler, read for its semantics).
public enum FailureCause: String, Sendable, Hashable, CaseIterable {
    /// SLURM killed the job at its time limit (`TIMEOUT`, `DUE TO TIME LIMIT`).
    case walltime
    /// `ZBRENT: fatal error in bracketing`: the line minimisation of the CG relaxation failed.
    case zbrent
    /// `Error EDDDAV: Call to ZHEGV failed` (and EDWAV): the Davidson diagonalisation broke down.
    case edddav
    /// `Sub-Space-Matrix is not hermitian`: the subspace rotation went wrong (usually LREAL).
    case subspaceMatrix = "sub-space-matrix"
    /// `BRMIX: very serious problems`: charge-density mixing broke down.
    case brmix
    /// `POSMAP` / `distance between some ions is very small`: atoms on top of each other.
    case posmap
    /// `TOO FEW BANDS`.
    case tooFewBands = "too-few-bands"
    /// `OUT_OF_MEMORY`, `oom-kill`: the job asked for more memory than it had.
    case outOfMemory = "out-of-memory"
    /// `NODE_FAIL`, `DUE TO NODE FAILURE`.
    case nodeFailure = "node-failure"
    /// A complete run that used all NSW ionic steps (or an NEB image above |EDIFFG|).
    case ionicNotConverged = "ionic-not-converged"
    /// A complete run whose last ionic step used all NELM SCF steps.
    case electronicNotConverged = "electronic-not-converged"
    /// Cancelled (`scancel`) while running.
    case cancelled
    /// Outputs cut short and no message says why (e.g. exit 137: killed).
    case killed
    /// The job ended and left no VASP output (the script failed before VASP started).
    case noOutput = "no-output"

    /// What the cause means, in a few words.
    public var summary: String {
        switch self {
        case .walltime: "wall-time limit reached"
        case .zbrent: "ZBRENT: fatal error in bracketing"
        case .edddav: "EDDDAV/ZHEGV: Davidson diagonalisation failed"
        case .subspaceMatrix: "Sub-Space-Matrix is not hermitian"
        case .brmix: "BRMIX: very serious problems in the charge mixing"
        case .posmap: "POSMAP: ions too close to each other"
        case .tooFewBands: "too few bands"
        case .outOfMemory: "out of memory"
        case .nodeFailure: "node failure"
        case .ionicNotConverged: "ionic relaxation not converged within NSW"
        case .electronicNotConverged: "electronic SCF not converged within NELM"
        case .cancelled: "cancelled"
        case .killed: "killed: outputs cut short"
        case .noOutput: "the job left no VASP output"
        }
    }
}

/// Reads the evidence of one calculation's last run.
public enum FailureDiagnosis {
    /// Message signatures, checked in this order (fatal VASP errors before scheduler kills before
    /// warnings): the first cause with a match wins.
    static let signatures: [(FailureCause, [String])] = [
        (.zbrent, ["ZBRENT: fatal error in bracketing", "ZBRENT: fatal internal in"]),
        (.posmap, ["POSMAP", "distance between some ions is very small"]),
        (.tooFewBands, ["TOO FEW BANDS"]),
        (.brmix, ["BRMIX: very serious problems"]),
        (.edddav, ["Error EDDDAV", "EDDDAV: Call to ZHEGV failed", "Call to ZHEGV failed", "EDWAV: internal error"]),
        (.outOfMemory, ["oom-kill", "oom_kill", "Out Of Memory", "OUT_OF_MEMORY", "out of memory"]),
        (.walltime, ["DUE TO TIME LIMIT"]),
        (.nodeFailure, ["DUE TO NODE FAILURE"]),
        (.cancelled, ["CANCELLED AT"]),
        (.subspaceMatrix, ["Sub-Space-Matrix is not hermitian"])
    ]

    /// The cause from SLURM's final state alone, when it names one.
    static func cause(ofState state: String) -> FailureCause? {
        switch state {
        case "TIMEOUT": .walltime
        case "OUT_OF_MEMORY": .outOfMemory
        case "NODE_FAIL": .nodeFailure
        case "CANCELLED": .cancelled
        default: nil
        }
    }

    /// The first signature found in `text`, with the line it is on.
    public static func match(_ text: String) -> (cause: FailureCause, line: String)? {
        for (cause, needles) in signatures {
            for needle in needles {
                guard let range = text.range(of: needle) else { continue }
                let start = text[..<range.lowerBound].lastIndex(of: "\n").map { text.index(after: $0) } ?? text.startIndex
                let end = text[range.upperBound...].firstIndex(of: "\n") ?? text.endIndex
                return (cause, String(text[start..<end]).trimmingCharacters(in: .whitespaces))
            }
        }
        return nil
    }

    /// The files whose text is searched: the job's `slurm-<id>.out` (else the newest `slurm-*.out`),
    /// `vasp.out`, `std_err.txt` and OUTCAR, each read from its last 256 KiB.
    public static func evidenceFiles(folder: String, jobID: String?) -> [String] {
        var files: [String] = []
        let fm = FileManager.default
        if let jobID, fm.fileExists(atPath: "\(folder)/slurm-\(jobID).out") {
            files.append("\(folder)/slurm-\(jobID).out")
        } else if let newest = slurmOutputs(folder: folder).last {
            files.append("\(folder)/\(newest)")
        }
        for name in ["vasp.out", "std_err.txt", "OUTCAR"] where fm.fileExists(atPath: "\(folder)/\(name)") {
            files.append("\(folder)/\(name)")
        }
        return files
    }

    /// `slurm-<id>.out` files of a folder, by job id.
    public static func slurmOutputs(folder: String) -> [String] {
        let names = FileSystem.names(in: folder)
        return names.filter { $0.hasPrefix("slurm-") && $0.hasSuffix(".out") }
            .sorted { jobNumber($0) < jobNumber($1) }
    }

    static func jobNumber(_ name: String) -> Int { Int(name.dropFirst(6).dropLast(4)) ?? -1 }

    /// The last `limit` bytes of a file as text (lossy UTF-8), or "" when it cannot be read.
    public static func tail(_ path: String, limit: Int = 256 * 1024) -> String {
        guard let handle = FileHandle(forReadingAtPath: path) else { return "" }
        defer { try? handle.close() }
        let size = (try? handle.seekToEnd()) ?? 0
        let start = size > UInt64(limit) ? size - UInt64(limit) : 0
        try? handle.seek(toOffset: start)
        let data = (try? handle.readToEnd()) ?? Data()
        return String(decoding: data, as: UTF8.self)
    }

    /// The cause of a run that ended without converging: a message in the evidence files first (with
    /// the file and line), then SLURM's state, then what the outputs say (`unconverged` → ionic or
    /// electronic; cut short → killed; none → no output).
    public static func diagnose(folder: String, jobID: String?, slurmState: String?, disk: DiskEvidence) -> (cause: FailureCause, evidence: String) {
        for file in evidenceFiles(folder: folder, jobID: jobID) {
            if let (cause, line) = match(tail(file)) {
                let name = (file as NSString).lastPathComponent
                return (cause, "\(name): \(line)")
            }
        }
        if let slurmState, let cause = cause(ofState: slurmState) {
            return (cause, "SLURM state \(slurmState)")
        }
        switch disk {
        case .unconvergedElectronic(let reason): return (.electronicNotConverged, reason)
        case .unconvergedIonic(let reason): return (.ionicNotConverged, reason)
        case .incomplete(let reason): return (.killed, reason + (slurmState.map { "; SLURM state \($0)" } ?? ""))
        case .none:
            let out = jobID.map { "slurm-\($0).out" } ?? "the job's output"
            return (.noOutput, "no vasprun.xml or OUTCAR" + (slurmState.map { "; SLURM state \($0)" } ?? "") + "; see \(out)")
        }
    }

    /// What the folder's outputs say, for ``diagnose(folder:jobID:slurmState:disk:)``.
    public enum DiskEvidence: Sendable, Hashable {
        case none
        case incomplete(String)
        case unconvergedIonic(String)
        case unconvergedElectronic(String)
    }
}
