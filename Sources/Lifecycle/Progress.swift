import Foundation
import Study
import VASP

/// How far a running (or stopped) calculation got, for `cascade status`: the complete ionic steps and
/// the largest force from the output the folder probe read, the SCF step of the ionic step in progress
/// from OSZICAR's tail, the force criterion from the INCAR (EDIFFG < 0); per image for an NEB.
struct RunProgress: Sendable, Hashable {
    /// Per image (NEB) or one entry with an empty label.
    struct Part: Sendable, Hashable {
        var label: String
        var oszicar: OszicarProgress?
    }
    var parts: [Part]
    /// |EDIFFG| (eV/Å) when the INCAR asks for a force criterion (EDIFFG < 0).
    var forceCriterion: Double?

    /// Reads OSZICAR(s) and the INCAR of `folder`.
    static func read(folder: String, isNeb: Bool) -> RunProgress {
        let labels = isNeb ? Attempts.innerImages(folder) : [""]
        let parts = labels.map { label in
            Part(label: label, oszicar: OszicarProgress.read(path: label.isEmpty ? "\(folder)/OSZICAR" : "\(folder)/\(label)/OSZICAR"))
        }
        let incar = (try? String(contentsOfFile: "\(folder)/INCAR", encoding: .utf8)) ?? ""
        let ediffg = IncarEditor.value(of: "EDIFFG", in: incar).flatMap { Double($0.replacingOccurrences(of: "d", with: "e", options: .caseInsensitive)) }
        return RunProgress(parts: parts, forceCriterion: ediffg.flatMap { $0 < 0 ? -$0 : nil })
    }

    /// The SCF step of the ionic step in progress (the largest over the images of an NEB).
    var scfStep: Int? { parts.compactMap { $0.oszicar?.scfStep }.max() }

    /// `; ionic step 5 (SCF step 7), E = … eV, max F = … eV/Å (|EDIFFG| = 0.02)`, or empty.
    func text(_ disk: RunFolderReport) -> String {
        var out: [String] = []
        if parts.count == 1, let only = parts.first {
            out += Self.steps(only.oszicar, complete: disk.ionicSteps)
        } else {
            let images = parts.compactMap { p -> String? in
                let steps = Self.steps(p.oszicar, complete: nil)
                return steps.isEmpty ? nil : "\(p.label): " + steps.joined(separator: " ")
            }
            if !images.isEmpty { out.append("images " + images.joined(separator: ", ")) }
        }
        if let e = disk.energy { out.append(String(format: "E = %.4f eV", e)) }
        if let f = disk.maxForce {
            var force = String(format: "max F = %.3f eV/Å", f)
            if let c = forceCriterion { force += String(format: " (|EDIFFG| = %g%@)", c, f < c ? ", below" : "") }
            out.append(force)
        }
        return out.isEmpty ? "" : "; " + out.joined(separator: ", ")
    }

    /// `ionic step N (SCF step k)` for the step in progress, else `N ionic steps` done.
    static func steps(_ o: OszicarProgress?, complete: Int?) -> [String] {
        if let o, let scf = o.scfStep { return ["ionic step \(o.ionicSteps + 1) (SCF step \(scf))"] }
        if let n = o?.ionicSteps ?? complete { return ["\(n) ionic step\(n == 1 ? "" : "s") done"] }
        return []
    }
}
