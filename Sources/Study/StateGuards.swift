import Analysis
import Chemistry
import Files
import VASP

/// What the manifest and its structure index say a system is: the species in the order `generate`
/// writes them, its fixed atoms, and the bond changes it declares.
struct SystemFacts: Sendable {
    /// Species in POSCAR order as written (grouped by species); `nil` when the structure file cannot be read.
    var species: [String]?
    /// The bond changes declared in the manifest or the index.
    var bondChanges: BondChanges?

    /// The facts of every system of `manifest` (structure files and index read once; unreadable ones give
    /// `species == nil`, never an error: the planner and `cascade doctor` report those).
    static func resolve(_ manifest: StudyManifest) -> [String: SystemFacts] {
        let index = manifest.indexFile.flatMap { try? StructureIndex.load(path: $0) }
        var out: [String: SystemFacts] = [:]
        for system in manifest.systems {
            let indexed = index?.entry(for: system, structuresFolder: manifest.structuresFolder).entry
            let path = PathText.resolve(system.file, against: manifest.structuresFolder)
            let species = (try? Poscar.read(path: path)).map { p in Planner.grouping(p.structure.species).map { p.structure.species[$0] } }
            out[system.name] = SystemFacts(species: species, bondChanges: system.bondChanges ?? indexed?.bondChanges)
        }
        return out
    }
}

/// The guards `cascade tabulate` runs on a converged calculation before any number is taken from it.
enum StateGuards {
    /// A state other than converged, and why, or `nil` when the calculation passes:
    /// - `mismatch` when the output's atoms (elements, count, order) differ from the folder's POSCAR or
    ///   from the manifest's system — an output copied into the wrong folder;
    /// - `collapsed` when the relaxed structure contradicts the bond changes its system declares.
    /// `poscar`: the folder's POSCAR as the caller read it (`nil` when there is none or it cannot be read).
    static func check(_ calc: LoadedCalculation, folder: String, facts: SystemFacts?, poscar: Poscar?) -> (state: CalculationState, reason: String)? {
        guard let structure = calc.structure else { return nil }
        let found = structure.species
        var expected: [(String, [String])] = []
        if let poscar { expected.append(("\(folder)/POSCAR", poscar.structure.species)) }
        if let species = facts?.species { expected.append(("the manifest's system", species)) }
        for (source, species) in expected where species != found {
            return (
                .mismatch,
                "\(calc.file) holds \(Structure.formula(found)) (\(found.count) atoms) but \(source) is \(Structure.formula(species)) (\(species.count) atoms)"
                    + (Set(found) == Set(species) && found.count == species.count ? " in another order" : "") + ": an output from another calculation?"
            )
        }
        guard let changes = facts?.bondChanges else { return nil }
        let (violations, unknown) = bondDeclarationViolations(structure, broken: changes.broken, formed: changes.formed)
        if !unknown.isEmpty {
            return (
                .collapsed,
                "declared bond pairs \(unknown.map { "\($0)" }.joined(separator: ", ")) name no pair of atoms with covalent radii among the \(structure.count): the declaration cannot be checked"
            )
        }
        guard !violations.isEmpty else { return nil }
        let text = violations.map { v in
            "\(v.speciesI)\(v.i)–\(v.speciesJ)\(v.j) declared \(v.declared) is "
                + (v.declared == "broken" ? "bonded again" : "not bonded") + " (\(GuardNumber.text(v.distance)) Å, bond ≤ \(GuardNumber.text(v.limit)) Å)"
        }
        return (.collapsed, "the relaxed state is not the one declared: " + text.joined(separator: "; "))
    }

}
