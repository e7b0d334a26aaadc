import Analysis
import Chemistry
import VASP

/// What `cascade generate` is asked to do besides the manifest.
public struct GenerationOptions: Sendable, Hashable {
    /// The folder the calculation folders go into.
    public var outputFolder: String
    /// The user's POTCAR library; `nil` = write `POTCAR.spec` and take ZVAL from Cascade's table.
    public var potcarLibrary: PotcarLibrary?
    /// Re-box every molecule/cluster to this vacuum (Å) between the atoms and their images; `nil` = keep the boxes.
    public var vacuum: Double?
    /// Shell patterns (`neb/*`, `relax/tfsi`); only matching calculations are planned. Empty = all.
    public var only: [String]

    /// Options.
    public init(outputFolder: String, potcarLibrary: PotcarLibrary? = nil, vacuum: Double? = nil, only: [String] = []) {
        self.outputFolder = outputFolder
        self.potcarLibrary = potcarLibrary
        self.vacuum = vacuum
        self.only = only
    }
}

/// One calculation folder to write: its inputs, what they mean, and what was found wrong.
public struct PlannedCalculation: Sendable {
    /// The structures of the folder.
    public enum Geometry: Sendable {
        /// One POSCAR.
        case single(Structure)
        /// NEB images `00`…`NN` (end points included).
        case neb(ImagePath, method: InterpolationMethod)
    }

    /// The folder, relative to the output folder.
    public var name: String
    /// The input set.
    public var set: String
    /// The system (`initial → final` for NEB).
    public var system: String
    /// POSCAR(s).
    public var geometry: Geometry
    /// POSCAR first lines.
    public var poscarComment: String
    /// The INCAR.
    public var incar: Incar
    /// The KPOINTS.
    public var kpoints: Kpoints
    /// The pseudopotentials (POTCAR or POTCAR.spec).
    public var potcar: Potcar
    /// Atoms per structure.
    public var atoms: Int
    /// Net charge (|e|).
    public var charge: Int
    /// Spin multiplicity 2S + 1.
    public var multiplicity: Int
    /// Electrons ΣZVAL − charge, `nil` when a ZVAL is unknown.
    public var nelect: Double?
    /// Calculations that must finish first.
    public var dependencies: [String]
    /// The job script.
    public var jobScript: String
    /// Outputs already in the folder (paths relative to it); non-empty = VASP has run there.
    public var existingOutputs: [String]
    /// Information worth showing (DFT+U on, dipole tags, where the NEB end points came from).
    public var notes: [String]
    /// Problems that do not stop generation.
    public var warnings: [String]
    /// Problems that do.
    public var errors: [String]

    /// NEB intermediate images, `nil` for a single structure.
    public var intermediateImages: Int? {
        if case .neb(let path, _) = geometry { return path.images.count - 2 }
        return nil
    }

    /// The k-points of ``kpoints`` as the plan shows them.
    public enum KpointChoice: Sendable, Hashable {
        /// A Γ-centred (`gamma`) or Monkhorst–Pack mesh of these divisions.
        case mesh(gamma: Bool, divisions: SIMD3<Int>)
        /// VASP's fully automatic mode with this length (Å).
        case automatic(length: Double)
        /// This many k-points listed explicitly.
        case listed(Int)
        /// A line-mode path.
        case line
    }

    /// ``kpoints`` as the plan shows it.
    public var kpointChoice: KpointChoice {
        switch kpoints.mode {
        case .mesh(let m): return .mesh(gamma: m.centering == .gamma, divisions: m.divisions)
        case .automatic(let length): return .automatic(length: length)
        case .explicit(let points, _): return .listed(points.count)
        case .line: return .line
        }
    }

    /// ISPIN of ``incar`` (1 when unset).
    public var ispin: Int { incar.int("ISPIN") ?? 1 }

    /// The first structure (the POSCAR, or image 00).
    public var structure: Structure {
        switch geometry {
        case .single(let s): return s
        case .neb(let path, _): return path.images[0]
        }
    }
}

/// Everything `cascade generate` will write, computed before anything is written; `cascade generate`
/// prints it (Report's `PlanReport.table`, then the notes, warnings and errors on standard error).
public struct GenerationPlan: Sendable {
    /// The study's name.
    public var study: String
    /// The manifest.
    public var manifestFile: String
    /// The output folder.
    public var outputFolder: String
    /// Where the POTCARs come from, in words.
    public var potcarSource: String
    /// The calculations, in dependency order (selected by `--only` when given).
    public var calculations: [PlannedCalculation]
    /// Study-level information (bond and fragment sets resolved, re-boxing done).
    public var notes: [String]
    /// Study-level problems that do not stop generation.
    public var warnings: [String]
    /// Study-level problems that do.
    public var errors: [String]
    /// `--only` chose part of the study: the submission script covers that part only (`submit-only.sh`).
    public var isSubset: Bool = false

    /// Every error, study-level first, then per calculation (`name: message`).
    public var allErrors: [String] {
        errors + calculations.flatMap { c in c.errors.map { "\(c.name): \($0)" } }
    }

    /// Every warning, study-level first, then per calculation.
    public var allWarnings: [String] {
        warnings + calculations.flatMap { c in c.warnings.map { "\(c.name): \($0)" } }
    }

    /// Every note, study-level first, then per calculation.
    public var allNotes: [String] {
        notes + calculations.flatMap { c in c.notes.map { "\(c.name): \($0)" } }
    }

    /// `true` when nothing stops generation.
    public var isValid: Bool { allErrors.isEmpty }

    /// Calculation folders that already hold VASP outputs.
    public var foldersWithOutputs: [String] {
        calculations.filter { !$0.existingOutputs.isEmpty }.map { "\($0.name) (\($0.existingOutputs.prefix(4).joined(separator: ", ")))" }
    }

    /// `51 calculations (25 relax, 6 static, …) into OUT; POTCAR: …`.
    public func summary() -> String {
        var order: [String] = []
        var counts: [String: Int] = [:]
        for c in calculations {
            if counts[c.set] == nil { order.append(c.set) }
            counts[c.set, default: 0] += 1
        }
        let bySet = order.map { "\(counts[$0] ?? 0) \($0)" }.joined(separator: ", ")
        let images = calculations.compactMap(\.intermediateImages).reduce(0, +)
        let imageText = images > 0 ? ", \(images) NEB images" : ""
        return
            "\(calculations.count) calculation folder\(calculations.count == 1 ? "" : "s") (\(bySet)\(imageText)) for \(outputFolder)/; POTCAR: \(potcarSource)"
    }
}

/// Numbers in the plan's messages (notes, warnings, errors): Study cannot see Report's `ReportNumber`;
/// this is its `rounded(_:decimals: 3)` rule (`92`, `92.5`).
enum PlanText {
    /// `92`, `92.5`.
    static func number(_ x: Double) -> String {
        let r = (x * 1000).rounded() / 1000
        if r.rounded() == r, abs(r) < 1e15 { return String(Int(r)) }
        return r.description
    }
}
