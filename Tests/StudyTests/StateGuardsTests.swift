import Analysis
import Chemistry
import Foundation
import Study
import TestSupport
import Testing

/// The referee's guards of `cascade tabulate` (issue 12 E, C, A) on small run trees built from the corpus
/// relaxations of atomate_Ir_H (run 2: Ir₄ slab; runs 3 and 4: H on Ir₁₆, the same 12 frozen Ir).
@Suite struct StateGuardsTests {
    static let ir = "adsorption/atomate_Ir_H"
    static let later = TabulationOptions(now: Date().timeIntervalSince1970 + 30 * 86400)

    /// A tree: `folders` maps a calculation folder to the corpus run whose outputs it gets.
    func tree(_ folders: [String: String], manifest: String) throws -> (root: String, result: StudyTabulationResult) {
        let root = try StudyFixture.temporaryFolder("state-guards")
        let fm = FileManager.default
        for (folder, run) in folders {
            try fm.createDirectory(atPath: "\(root)/runs/\(folder)", withIntermediateDirectories: true)
            for file in ["vasprun.xml.gz", "POSCAR"] {
                try fm.createSymbolicLink(atPath: "\(root)/runs/\(folder)/\(file)", withDestinationPath: Corpus.path("\(Self.ir)/\(run)/outputs/\(file)"))
            }
        }
        try manifest.write(toFile: root + "/study.yaml", atomically: true, encoding: .utf8)
        let m = try StudyManifest.load(path: root + "/study.yaml")
        return (root, StudyTabulation.make(manifest: m, runs: root + "/runs", options: Self.later))
    }

    @Test func corpusPresentOnCI() { Corpus.checkPresentOnCI() }

    /// An output copied into the wrong folder (H on Ir₁₆ where the Ir₄ slab's POSCAR is) is `mismatch`
    /// with both formulas, and the energy that needs it is n/a.
    @Test func outputOfAnotherCalculationIsAMismatch() throws {
        guard Corpus.available else { return }
        let root = try StudyFixture.temporaryFolder("mismatch")
        defer { StudyFixture.remove(root) }
        let fm = FileManager.default
        try fm.createDirectory(atPath: root + "/runs/relax/slab", withIntermediateDirectories: true)
        try fm.createSymbolicLink(atPath: root + "/runs/relax/slab/POSCAR", withDestinationPath: Corpus.path("\(Self.ir)/2/outputs/POSCAR"))
        try fm.createSymbolicLink(atPath: root + "/runs/relax/slab/vasprun.xml.gz", withDestinationPath: Corpus.path("\(Self.ir)/3/outputs/vasprun.xml.gz"))
        try fm.createDirectory(atPath: root + "/runs/relax/ok", withIntermediateDirectories: true)
        for file in ["POSCAR", "vasprun.xml.gz"] {
            try fm.createSymbolicLink(atPath: root + "/runs/relax/ok/\(file)", withDestinationPath: Corpus.path("\(Self.ir)/3/outputs/\(file)"))
        }
        try """
        study: t
        structures: .
        systems: [{name: x, file: x.vasp}]
        calculations:
          - {name: relax/slab, set: relax, system: x}
          - {name: relax/ok, set: relax, system: x}
        quantities:
          energies: [{name: E, complex: relax/ok, parts: [relax/slab]}]
        """.write(toFile: root + "/study.yaml", atomically: true, encoding: .utf8)
        let t = StudyTabulation.make(manifest: try StudyManifest.load(path: root + "/study.yaml"), runs: root + "/runs", options: Self.later)
        let slab = try #require(t.statuses.first { $0.name == "relax/slab" })
        #expect(slab.state == .mismatch)
        #expect(slab.reason.contains("HIr16 (17 atoms)") && slab.reason.contains("Ir4 (4 atoms)"), "\(slab.reason)")
        let ok = try #require(t.statuses.first { $0.name == "relax/ok" })
        #expect(ok.state == .converged)
        // ISPIN = 2 with the moment free: the status reports the moment it settled on (OUTCAR: −0.0000000).
        let moment = try #require(ok.magnetization)
        #expect(abs(moment) < 1e-3)
        #expect(t.energies[0].value == nil)
        #expect(t.energies[0].reason?.contains("relax/slab is mismatch") == true)
    }

    /// Real messy data: the corpus keeps, beside the 4-atom bulk Ir run's vasprun.xml, a POSCAR of a 2-atom
    /// cell. Together in one folder they do not belong to one calculation.
    @Test func corpusFolderWhosePOSCARIsAnotherCell() throws {
        guard Corpus.available else { return }
        let manifest = """
            study: t
            structures: .
            systems: [{name: x, file: x.vasp}]
            calculations: [{name: relax/bulk, set: relax, system: x}]
            """
        let (root, t) = try tree(["relax/bulk": "1"], manifest: manifest)
        defer { StudyFixture.remove(root) }
        #expect(t.statuses[0].state == .mismatch)
        #expect(t.statuses[0].reason.contains("holds Ir4 (4 atoms)") && t.statuses[0].reason.contains("POSCAR is Ir2 (2 atoms)"), "\(t.statuses[0].reason)")
    }

    /// A relaxed state that contradicts its declared bond changes is `collapsed`; a pathway step that
    /// starts or ends on it is n/a with that reason.
    @Test func stateContradictingItsDeclarationIsCollapsed() throws {
        guard Corpus.available else { return }
        let manifest = """
            study: t
            structures: .
            systems:
              - {name: h0, file: h0.vasp}
              - {name: h1, file: h1.vasp, formed: [[0, 1]]}
              - {name: h1-kept, file: h1.vasp, broken: [[0, 1]]}
            calculations:
              - {name: relax/h-site0, set: relax, system: h0}
              - {name: relax/h-site1, set: relax, system: h1}
              - {name: relax/h-site1-kept, set: relax, system: h1-kept}
              - {name: neb/hop, set: neb, initial: relax/h-site0, final: relax/h-site1}
            quantities:
              pathways: [{name: hop, steps: [neb/hop]}]
            """
        let (root, t) = try tree(["relax/h-site0": "3", "relax/h-site1": "4", "relax/h-site1-kept": "4"], manifest: manifest)
        defer { StudyFixture.remove(root) }
        let state = Dictionary(uniqueKeysWithValues: t.statuses.map { ($0.name, $0) })
        #expect(state["relax/h-site0"]?.state == .converged)
        let collapsed = try #require(state["relax/h-site1"])
        #expect(collapsed.state == .collapsed)
        #expect(collapsed.reason.contains("H0–Ir1 declared formed is not bonded"), "\(collapsed.reason)")
        // H0–Ir1 is indeed far apart: declared broken, the state is what it claims.
        #expect(state["relax/h-site1-kept"]?.state == .converged, "\(state["relax/h-site1-kept"]?.reason ?? "")")
        let step = try #require(t.pathways.first?.steps.first)
        #expect(step.reactionEnergy == nil)
        #expect(step.reasons.joined().contains("relax/h-site1 is collapsed"), "\(step.reasons)")
    }

    /// E = E(complex) − E(part) with frozen atoms that do not coincide after superposition is n/a naming
    /// the atoms and the distance; with the same frozen atoms it is a number.
    @Test func frozenAtomsMustCoincide() throws {
        guard Corpus.available else { return }
        let manifest = """
            study: t
            structures: .
            systems: [{name: x, file: x.vasp}]
            calculations:
              - {name: relax/h-site0, set: relax, system: x}
              - {name: relax/h-site1, set: relax, system: x}
              - {name: relax/h-site1-other-frozen, set: relax, system: x}
            quantities:
              energies:
                - {name: same frozen slab, complex: relax/h-site0, parts: [relax/h-site1]}
                - {name: other frozen atoms, complex: relax/h-site0, parts: [relax/h-site1-other-frozen]}
            """
        let root = try StudyFixture.temporaryFolder("frozen")
        defer { StudyFixture.remove(root) }
        let fm = FileManager.default
        for (folder, run) in [("relax/h-site0", "3"), ("relax/h-site1", "4")] {
            try fm.createDirectory(atPath: "\(root)/runs/\(folder)", withIntermediateDirectories: true)
            for file in ["vasprun.xml.gz", "POSCAR"] {
                try fm.createSymbolicLink(atPath: "\(root)/runs/\(folder)/\(file)", withDestinationPath: Corpus.path("\(Self.ir)/\(run)/outputs/\(file)"))
            }
        }
        // Run 4 read from its OUTCAR (no flags there), with a POSCAR that freezes the relaxed layer (atoms 9–12)
        // instead of the bottom one (13–16): twelve Ir frozen as in the complex, but not the same twelve.
        let other = "\(root)/runs/relax/h-site1-other-frozen"
        try fm.createDirectory(atPath: other, withIntermediateDirectories: true)
        try fm.createSymbolicLink(atPath: other + "/OUTCAR.gz", withDestinationPath: Corpus.path("\(Self.ir)/4/outputs/OUTCAR.gz"))
        let poscar = try String(contentsOfFile: Corpus.path("\(Self.ir)/4/outputs/POSCAR"), encoding: .utf8)
        var lines = poscar.components(separatedBy: "\n")
        let first = try #require(lines.firstIndex { $0.lowercased().hasPrefix("direct") }) + 1
        for k in 9...16 {
            lines[first + k] = lines[first + k].replacingOccurrences(of: k <= 12 ? "T T T" : "F F F", with: k <= 12 ? "F F F" : "T T T")
        }
        try lines.joined(separator: "\n").write(toFile: other + "/POSCAR", atomically: true, encoding: .utf8)
        try manifest.write(toFile: root + "/study.yaml", atomically: true, encoding: .utf8)
        let t = StudyTabulation.make(manifest: try StudyManifest.load(path: root + "/study.yaml"), runs: root + "/runs", options: Self.later)
        #expect(t.statuses.allSatisfy { $0.state == .converged }, "\(t.statuses.map { "\($0.name) \($0.state) \($0.reason)" })")
        #expect(t.energies[0].value != nil, "\(t.energies[0].reason ?? "")")
        #expect(t.energies[1].value == nil)
        let reason = try #require(t.energies[1].reason)
        #expect(reason.contains("the frozen atoms of relax/h-site1-other-frozen and relax/h-site0 differ by up to"), "\(reason)")
        #expect(reason.contains("after superposition") && reason.contains("Ir"))
    }

    /// Δρ whose part was relaxed elsewhere (H on another site) is refused with the atom and distance;
    /// the same density difference of frozen parts is computed (TabulationDensityDifferenceTests).
    @Test func densityDifferenceOfDisplacedPartIsRefused() throws {
        guard Corpus.available else { return }
        let manifest = """
            study: t
            structures: .
            systems: [{name: x, file: x.vasp}]
            calculations:
              - {name: static/ab, set: static, system: x}
              - {name: static/a, set: static, system: x}
            quantities:
              density_differences: [{name: d, complex: static/ab, parts: [static/a]}]
            """
        let (root, t) = try tree(["static/ab": "3", "static/a": "4"], manifest: manifest)
        defer { StudyFixture.remove(root) }
        let d = try #require(t.densityDifferences.first)
        #expect(d.summary == nil)
        let reason = try #require(d.reason)
        #expect(reason.contains("static/a: atom ") && reason.contains("Å from the nearest") && reason.contains("frozen at their positions"), "\(reason)")
    }
}

/// Superposition and declared bonds on hand-made structures.
@Suite struct StateCheckFunctionTests {
    @Test func superpositionRemovesARigidMotion() throws {
        let a: [SIMD3<Double>] = [[0, 0, 0], [1.5, 0, 0], [0, 2, 0], [0.3, 0.4, 1.7], [-1, 1, 1]]
        let angle = 0.7
        let b = a.map { p in
            SIMD3(cos(angle) * p.x - sin(angle) * p.y + 3, sin(angle) * p.x + cos(angle) * p.y - 2, p.z + 5)
        }
        let d = try #require(superpositionDeviation(a, b))
        #expect(d.rmsd < 1e-9 && d.maximum < 1e-9)
        var moved = b
        moved[3].z += 0.5
        let e = try #require(superpositionDeviation(a, moved))
        #expect(e.index == 3 && e.maximum > 0.3 && e.maximum < 0.5)
        #expect(superpositionDeviation(a, Array(b.prefix(2))) == nil)
    }

    @Test func declaredBonds() throws {
        let lattice = Lattice(a: [10, 0, 0], b: [0, 10, 0], c: [0, 0, 10])
        // C0–F1 1.35 Å (bonded), C0–F2 2.5 Å (not bonded).
        let s = Structure(lattice: lattice, species: ["C", "F", "F"], cartesianPositions: [[5, 5, 5], [6.35, 5, 5], [5, 7.5, 5]])
        #expect(bondDeclarationViolations(s, broken: [[0, 2]], formed: [[0, 1]]).violations.isEmpty)
        let bad = bondDeclarationViolations(s, broken: [[0, 1]], formed: [[0, 2]], scale: 1.2)
        #expect(bad.violations.map(\.declared) == ["broken", "formed"])
        #expect(abs(bad.violations[0].distance - 1.35) < 1e-9)
        #expect(bondDeclarationViolations(s, broken: [[0, 9]], formed: []).unknown == [[0, 9]])
    }
}
