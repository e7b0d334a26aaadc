import Analysis
import Foundation
import Study

/// Where one calculation of a study stands, files on disk joined with the scheduler.
public enum RunState: String, Sendable, Hashable, CaseIterable {
    /// No folder or no job.sh: `cascade generate` has not written it.
    case notGenerated = "not-generated"
    /// Generated, never run and not in the queue: `cascade submit` will submit it.
    case generated
    /// In the queue, waiting (SLURM's reason: Dependency, Priority, Resources, …).
    case pending
    /// Running (or outputs still growing).
    case running
    case converged
    /// Complete but not converged (NSW or NELM used up, NEB image above |EDIFFG|).
    case unconverged
    /// Ended with an error (the cause says which).
    case failed
    /// Killed by SLURM at its time limit.
    case timeout
    /// Cancelled.
    case cancelled
    /// Will never start: a calculation it needs failed (SLURM: DependencyNeverSatisfied).
    case blocked

    /// Needs `cascade resume`.
    public var needsRemedy: Bool { [.unconverged, .failed, .timeout].contains(self) }
}

/// One row of `cascade status`.
public struct CalculationRun: Sendable, Hashable {
    /// The calculation's name in the manifest (its folder under the run tree, e.g. `relax/tfsi`).
    public var name: String
    /// The calculation's folder: the run tree (absolute, symbolic links resolved) + `/` + its name.
    public var folder: String
    /// `true` for an NEB calculation (its manifest entry has NEB end points).
    public var isNeb: Bool
    /// Where it stands: the files on disk joined with what SLURM says.
    public var state: RunState
    /// Why, in one line: SLURM's reason, progress, the cause with its evidence, the blocking parent.
    public var detail: String
    /// The job of the latest submission (journal), or found in the queue by its working folder.
    public var jobID: String?
    /// What SLURM says about that job, when it still knows it.
    public var job: SlurmJob?
    /// What the files say.
    public var disk: RunFolderReport
    /// For failed, timeout, unconverged and cancelled runs.
    public var cause: FailureCause?
    /// The parent a blocked calculation waits for in vain.
    public var blockedBy: String?
    /// job.sh exists.
    public var generated: Bool
    /// Number of earlier attempts kept in `attempt-N/` folders.
    public var attempts: Int
    /// Running: the SCF step of the ionic step in progress (OSZICAR; the largest over an NEB's images).
    public var scfStep: Int? = nil

    /// In the queue and not blocked: a dependant may wait for it with afterok.
    public var isQueued: Bool { (job?.isActive ?? false) && !(job?.isBlocked ?? false) }
}

/// `cascade status` of a whole study.
public struct StudyRunStatus: Sendable {
    /// The study's short name (the manifest's `study:`).
    public var study: String
    /// The run tree, absolute with symbolic links resolved.
    public var runs: String
    /// One row per calculation of the manifest, in dependency order.
    public var calculations: [CalculationRun]
    /// Things the user should know (SLURM not reachable: files only; journal unreadable; …).
    public var warnings: [String]
    /// `true` when SLURM answered.
    public var schedulerAnswered: Bool
    /// The calculations whose output files were read this time (the others came from the status cache
    /// or have no output).
    public var parsed: [String] = []
    /// How many folder reports came from the status cache.
    public var fromCache = 0

    /// How many calculations are in `state`.
    public func count(_ state: RunState) -> Int { calculations.filter { $0.state == state }.count }
    /// The row of the calculation named `name` (e.g. `relax/tfsi`), or `nil`.
    public func run(named name: String) -> CalculationRun? { calculations.first { $0.name == name } }
}

extension StudyManifest {
    /// The calculations in an order where every calculation comes after those it depends on (file
    /// order kept otherwise); dependencies outside the manifest are ignored.
    public var calculationsInDependencyOrder: [CalculationEntry] {
        let names = Set(calculations.map(\.name))
        var placed = Set<String>()
        var out: [CalculationEntry] = []
        var rest = calculations
        while !rest.isEmpty {
            let before = rest.count
            rest.removeAll { entry in
                guard entry.dependencies.allSatisfy({ placed.contains($0) || !names.contains($0) }) else { return false }
                out.append(entry)
                placed.insert(entry.name)
                return true
            }
            if rest.count == before {  // a cycle (the manifest check refuses these): keep file order
                out += rest
                break
            }
        }
        return out
    }
}
