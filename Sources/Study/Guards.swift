import Analysis
import Chemistry
import Files
import VASP

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The checks `cascade generate` runs before writing anything. Each returns the problems it found as
/// messages (empty = fine); the plan turns them into errors or warnings. See `docs/study-manifest.md`.
public enum Guards {
    /// Files whose presence means VASP has run (or is running) in a folder.
    public static let outputFiles = ["OUTCAR", "vasprun.xml", "vasprun.xml.gz", "CONTCAR", "OSZICAR"]

    /// The outputs present in `folder` and in its NEB image folders `00`…`99`, as paths relative to
    /// `folder` (e.g. `OUTCAR`, `03/CONTCAR`); empty when the folder does not exist or holds none.
    public static func outputsPresent(in folder: String) -> [String] {
        guard FileSystem.isDirectory(folder) else { return [] }
        var found = outputFiles.filter { FileSystem.exists("\(folder)/\($0)") }
        for image in 0..<100 {
            let sub = image < 10 ? "0\(image)" : "\(image)"
            guard FileSystem.isDirectory("\(folder)/\(sub)") else { continue }
            found += outputFiles.filter { FileSystem.exists("\(folder)/\(sub)/\($0)") }.map { "\(sub)/\($0)" }
        }
        return found
    }

    /// Why `name` cannot be a folder under the output folder (absolute, `..`, `.`, empty components,
    /// unsafe characters), or `nil` when it can.
    public static func folderNameProblem(_ name: String) -> String? {
        if name.isEmpty { return "an empty folder name" }
        if name.hasPrefix("/") { return "'\(name)' is an absolute path: calculation folders must stay inside --out" }
        let parts = name.split(separator: "/", omittingEmptySubsequences: false)
        if parts.contains("..") { return "'\(name)' contains '..': calculation folders must stay inside --out" }
        if parts.contains(where: { $0.isEmpty || $0 == "." }) { return "'\(name)' has an empty or '.' component" }
        if !parts.allSatisfy({ StudyManifest.isName(String($0)) }) {
            return "'\(name)' has characters other than letters, digits, '-', '_', '.', '@', '+' and '/'"
        }
        return nil
    }

    /// Pairs of atoms closer than `minimum` Å (minimum image), as messages naming both atoms
    /// (0-based, species) and the distance; at most 10 are listed.
    public static func closeAtoms(_ structure: Structure, minimum: Double = 0.5) -> [String] {
        let close = structure.neighborList(cutoff: minimum).filter { $0.distance < minimum }
        var out = close.prefix(10).map { n in
            n.i == n.j
                ? "atom \(structure.species[n.i])\(n.i) is \(GuardNumber.text(n.distance)) Å from its own periodic image (closer than \(GuardNumber.text(minimum)) Å)"
                : "atoms \(structure.species[n.i])\(n.i) and \(structure.species[n.j])\(n.j) are \(GuardNumber.text(n.distance)) Å apart (closer than \(GuardNumber.text(minimum)) Å)"
        }
        if close.count > out.count { out.append("… and \(close.count - out.count) more close pairs") }
        return out
    }

    /// An odd electron count cannot be closed-shell: ISPIN = 1 with odd NELECT is refused.
    public static func electronParity(nelect: Double?, incar: Incar) -> [String] {
        guard let nelect, (incar.int("ISPIN") ?? 1) == 1 else { return [] }
        let n = nelect.rounded()
        guard n == nelect, Int(n) % 2 != 0 else { return [] }
        return ["\(Int(n)) electrons (odd) with ISPIN = 1: an odd electron count needs ISPIN = 2"]
    }

    /// The electron count must match the multiplicity: odd electrons ⇔ even multiplicity.
    public static func multiplicityParity(nelect: Double?, multiplicity: Int) -> [String] {
        guard let nelect, nelect.rounded() == nelect else { return [] }
        let electronsOdd = Int(nelect) % 2 != 0
        let unpairedOdd = (multiplicity - 1) % 2 != 0
        guard electronsOdd != unpairedOdd else { return [] }
        return [
            "\(Int(nelect)) electrons cannot have multiplicity \(multiplicity) (2S + 1): \(electronsOdd ? "an odd count needs an even multiplicity" : "an even count needs an odd multiplicity")"
        ]
    }

    /// VTST optimisers (IOPT > 0) need VASP's own optimiser off: IBRION = 3 and POTIM = 0.
    public static func vtstOptimizer(_ incar: Incar) -> [String] {
        guard let iopt = incar.int("IOPT"), iopt > 0 else { return [] }
        let ibrion = incar.int("IBRION")
        let potim = incar.double("POTIM")
        guard ibrion != 3 || potim != 0 else { return [] }
        return [
            "IOPT = \(iopt) (a VTST optimiser) needs IBRION = 3 and POTIM = 0; found IBRION = \(ibrion.map(String.init) ?? "unset"), POTIM = \(potim.map(GuardNumber.text) ?? "unset")"
        ]
    }

    /// The tetrahedron method (ISMEAR = −5) needs at least 4 k-points.
    public static func tetrahedron(_ incar: Incar, kpoints: Kpoints, lattice: Lattice) -> [String] {
        guard incar.int("ISMEAR") == -5, let n = kpointCount(kpoints, lattice: lattice), n < 4 else { return [] }
        return ["ISMEAR = -5 (tetrahedron method) needs at least 4 k-points; the KPOINTS file gives \(n)"]
    }

    /// The number of k-points of the full mesh (before symmetry), or `nil` for line mode.
    public static func kpointCount(_ kpoints: Kpoints, lattice: Lattice) -> Int? {
        switch kpoints.mode {
        case .mesh(let m): return m.divisions.x * m.divisions.y * m.divisions.z
        case .explicit(let points, _): return points.count
        case .automatic(let length):
            let rec = lattice.reciprocal
            let n = [rec.a, rec.b, rec.c].map { max(1, Int(length * $0.length + 0.5)) }
            return n.reduce(1, *)
        case .line: return nil
        }
    }

    /// MAGMOM must give one moment per atom (three with LNONCOLLINEAR).
    public static func magmomLength(_ incar: Incar, atoms: Int) -> [String] {
        guard let moments = incar.doubles("MAGMOM") else { return [] }
        let noncollinear = incar.bool("LNONCOLLINEAR") == true || incar.bool("LSORBIT") == true
        let expected = noncollinear ? 3 * atoms : atoms
        guard moments.count != expected else { return [] }
        return ["MAGMOM has \(moments.count) values; expected \(expected) (\(noncollinear ? "three per atom" : "one per atom") for \(atoms) atoms)"]
    }

    /// Vacuum thinner than `minimum` Å along a lattice axis of a molecule in a box (see ``MoleculeBox``).
    public static func vacuum(_ structure: Structure, minimum: Double = 10) -> [String] {
        let v = MoleculeBox.vacuumWidths(of: structure)
        let axes = ["a", "b", "c"]
        let thin = (0..<3).filter { v[$0] < minimum }
        guard !thin.isEmpty else { return [] }
        let list = thin.map { "\(axes[$0]) \(GuardNumber.text(v[$0])) Å" }.joined(separator: ", ")
        return ["vacuum below \(GuardNumber.text(minimum)) Å (\(list)): periodic images interact; pass --vacuum to re-box"]
    }

    /// A slab's vacuum along its normal (the only axis that may have one): below `minimum` Å the slab
    /// sees its images through the vacuum; `--vacuum` widens the cell along the normal only.
    public static func vacuum(_ structure: Structure, along axes: [Int], minimum: Double = 10) -> [String] {
        let v = MoleculeBox.vacuumWidths(of: structure)
        let names = ["a", "b", "c"]
        let thin = axes.filter { (0..<3).contains($0) && v[$0] < minimum }
        guard !thin.isEmpty else { return [] }
        let list = thin.map { "\(names[$0]) \(GuardNumber.text(v[$0])) Å" }.joined(separator: ", ")
        return [
            "vacuum below \(GuardNumber.text(minimum)) Å along the slab normal (\(list)): the slab interacts with its images; pass --vacuum to widen the cell along the normal only"
        ]
    }

    /// VASP runs NEB with IMAGES groups of cores: the core count must be a multiple of IMAGES.
    public static func nebCores(images: Int, nodes: String?, tasksPerNode: String?) -> [String] {
        guard let nodes = nodes.flatMap({ Int($0) }), let tasks = tasksPerNode.flatMap({ Int($0) }) else { return [] }
        let cores = nodes * tasks
        guard cores % images != 0 else { return [] }
        return ["\(cores) MPI ranks (nodes × ntasks_per_node) are not a multiple of IMAGES = \(images): VASP stops; set job nodes/ntasks_per_node"]
    }
}

/// Numbers in guard messages: at most 3 decimals.
enum GuardNumber {
    static func text(_ x: Double) -> String {
        guard x.isFinite else { return x.description }
        var s = ((x * 1000).rounded() / 1000).description
        if s.hasSuffix(".0") { s.removeLast(2) }
        return s
    }
}
