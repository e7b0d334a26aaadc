import Foundation
import VASP

/// One INCAR tag set by a remedy.
public struct IncarChange: Sendable, Hashable {
    /// The INCAR tag, e.g. `ALGO`.
    public var tag: String
    /// The new value as written into the INCAR, e.g. `All`, `.FALSE.`.
    public var value: String
    /// The value before (`nil`: the tag was not in the INCAR).
    public var old: String?

    /// `tag` set to `value`; `old` is the value it replaces (`nil`: the tag was absent).
    public init(tag: String, value: String, old: String? = nil) {
        self.tag = tag
        self.value = value
        self.old = old
    }
}

/// What `cascade resume` does about one cause: the INCAR tags it sets and whether the next run starts
/// from the last run's CONTCAR. One remedy per cause (after custodian's VaspErrorHandler).
public struct Remedy: Sendable, Hashable {
    /// The failure cause this remedy answers.
    public var cause: FailureCause
    /// A short name, recorded in the journal and in `attempt-N/cascade-remedy.txt`.
    public var name: String
    /// The INCAR tags it sets (empty for the remedies that only continue from CONTCAR).
    public var incar: [IncarChange]
    /// POSCAR ← the last run's CONTCAR (for an NEB: each inner image's).
    public var continueFromContcar: Bool
    /// How many times this remedy may be applied to one calculation.
    public var maximumTries: Int

    /// The remedy of `cause`, or the reason there is none Cascade can apply.
    public static func of(_ cause: FailureCause, incar: String, outcarTail: String) -> Result<Remedy, GiveUp> {
        func continuing(_ name: String, tries: Int = 3) -> Result<Remedy, GiveUp> {
            .success(Remedy(cause: cause, name: name, incar: [], continueFromContcar: true, maximumTries: tries))
        }
        func setting(_ name: String, _ changes: [(String, String)], continueFromContcar: Bool = true) -> Result<Remedy, GiveUp> {
            .success(
                Remedy(
                    cause: cause, name: name, incar: changes.map { IncarChange(tag: $0.0, value: $0.1) },
                    continueFromContcar: continueFromContcar, maximumTries: 1))
        }
        switch cause {
        case .walltime, .ionicNotConverged, .killed, .cancelled, .nodeFailure:
            return continuing("continue from CONTCAR")
        case .zbrent:
            return setting("IBRION = 1 (RMM-DIIS quasi-Newton), continue from CONTCAR", [("IBRION", "1")])
        case .edddav:
            return setting("ALGO = All", [("ALGO", "All")])
        case .subspaceMatrix:
            return setting("LREAL = .FALSE.", [("LREAL", ".FALSE.")])
        case .brmix:
            return setting("IMIX = 1 (Kerker mixing)", [("IMIX", "1")])
        case .electronicNotConverged:
            return setting("ALGO = All", [("ALGO", "All")])
        case .tooFewBands:
            guard let n = Remedy.nbands(outcarTail: outcarTail, incar: incar) else {
                return .failure(GiveUp(reason: "too few bands, and neither INCAR nor OUTCAR says NBANDS: set NBANDS by hand"))
            }
            return setting("NBANDS = \(Int((Double(n) * 1.1).rounded(.up)))", [("NBANDS", String(Int((Double(n) * 1.1).rounded(.up))))])
        case .posmap:
            return .failure(GiveUp(reason: "ions are too close to each other (POSMAP): the structure must be fixed by hand; no INCAR change helps"))
        case .outOfMemory:
            return .failure(
                GiveUp(
                    reason:
                        "out of memory: ask for more memory or nodes in job.sh (#SBATCH --mem, --nodes) or lower KPAR; Cascade does not guess the cluster's memory"
                ))
        case .noOutput:
            return .failure(
                GiveUp(
                    reason: "the job left no VASP output: its script failed before VASP started (read slurm-<id>.out); fix the cause and run `cascade submit`"))
        }
    }

    static func nbands(outcarTail: String, incar: String) -> Int? {
        if let v = IncarEditor.value(of: "NBANDS", in: incar), let n = Int(v) { return n }
        guard let r = outcarTail.range(of: "NBANDS=", options: .backwards) else { return nil }
        let digits = outcarTail[r.upperBound...].drop(while: { $0 == " " }).prefix(while: \.isNumber)
        return Int(digits)
    }
}

/// Why `cascade resume` leaves a calculation alone.
public struct GiveUp: Error, Sendable, Hashable {
    /// Why, and what the user can do by hand, e.g. `out of memory: ask for more memory or nodes in job.sh …`.
    public var reason: String
}

/// Edits INCAR text tag by tag, keeping every other line, comment and order as they were.
public enum IncarEditor {
    /// The value text of `tag` (case-insensitive), the last assignment wins; `nil` when absent.
    public static func value(of tag: String, in text: String) -> String? {
        var found: String?
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
            for statement in statements(of: String(line)) where statement.tag == tag.uppercased() {
                found = statement.value
            }
        }
        return found
    }

    /// The text with each change applied: a tag assigned alone on its line gets the line replaced,
    /// one among others on a line gets its statement replaced, a new tag is appended. Returns the
    /// changes with their old values.
    public static func apply(_ changes: [IncarChange], to text: String) -> (text: String, changes: [IncarChange]) {
        var lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        if lines.last == "" { lines.removeLast() }
        var done: [IncarChange] = []
        for change in changes {
            let tag = change.tag.uppercased()
            var old: String?
            var replaced = false
            for k in lines.indices {
                let parts = statements(of: lines[k])
                guard parts.contains(where: { $0.tag == tag }) else { continue }
                old = parts.last { $0.tag == tag }?.value
                if replaced {
                    // A later assignment of the same tag would override ours: comment it out.
                    lines[k] = "# " + lines[k] + "   (cascade resume: superseded)"
                    continue
                }
                let comment = commentPart(of: lines[k])
                let kept = parts.map { $0.tag == tag ? "\(tag) = \(change.value)" : "\($0.tag) = \($0.value)" }
                lines[k] = kept.joined(separator: "; ") + (comment.isEmpty ? "" : "  " + comment)
                replaced = true
            }
            if !replaced { lines.append("\(tag) = \(change.value)   # cascade resume") }
            done.append(IncarChange(tag: tag, value: change.value, old: old))
        }
        return (lines.joined(separator: "\n") + "\n", done)
    }

    /// `TAG = value` statements of a line (before any `#` or `!` comment, split on `;`).
    static func statements(of line: String) -> [(tag: String, value: String)] {
        let body = line.prefix { $0 != "#" && $0 != "!" }
        var out: [(String, String)] = []
        for part in body.split(separator: ";") {
            guard let eq = part.firstIndex(of: "=") else { continue }
            let tag = part[..<eq].trimmingCharacters(in: .whitespaces).uppercased()
            let value = part[part.index(after: eq)...].trimmingCharacters(in: .whitespaces)
            if !tag.isEmpty, !tag.contains(" ") { out.append((tag, value)) }
        }
        return out
    }

    static func commentPart(of line: String) -> String {
        guard let k = line.firstIndex(where: { $0 == "#" || $0 == "!" }) else { return "" }
        return String(line[k...])
    }

    /// A unified-style diff of the changes (`- TAG = old`, `+ TAG = new`).
    public static func diff(_ changes: [IncarChange], file: String) -> String {
        var lines = ["--- \(file)", "+++ \(file) (cascade resume)"]
        for c in changes {
            if let old = c.old { lines.append("- \(c.tag) = \(old)") }
            lines.append("+ \(c.tag) = \(c.value)")
        }
        return lines.joined(separator: "\n")
    }
}

/// The files of a run that `cascade resume` moves into `attempt-N/` (the inputs are copied there and
/// stay in place). Nothing is deleted.
enum RunFiles {
    static let inputs = ["INCAR", "KPOINTS", "POSCAR", "job.sh"]
    static let outputs: Set<String> = [
        "OUTCAR", "OSZICAR", "vasprun.xml", "CONTCAR", "XDATCAR", "EIGENVAL", "DOSCAR", "PROCAR", "CHG", "CHGCAR",
        "WAVECAR", "IBZKPT", "PCDAT", "REPORT", "vaspout.h5", "AECCAR0", "AECCAR1", "AECCAR2", "ELFCAR", "LOCPOT",
        "ACF.dat", "BCF.dat", "AVF.dat", "vasp.out", "std_err.txt", "WAVEDER", "PARCHG"
    ]

    static func isOutput(_ name: String) -> Bool {
        if name.hasPrefix("slurm-") && name.hasSuffix(".out") { return true }
        let base = name.hasSuffix(".gz") ? String(name.dropLast(3)) : name
        return outputs.contains(base)
    }
}
