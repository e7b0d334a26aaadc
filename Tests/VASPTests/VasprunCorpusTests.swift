import Chemistry
import Foundation
import TestSupport
import Testing

@testable import VASP

/// Every vasprun.xml of `../shared/corpus`, compared with what pymatgen computed on it
/// (`../shared/corpus-ref/<same path>.json`).
@Suite struct VasprunCorpusTests {
    /// Paths (relative to the corpus) of every file whose name contains "vasprun".
    static let files: [String] = {
        guard Corpus.available, let walker = FileManager.default.enumerator(atPath: Corpus.root) else { return [] }
        var out: [String] = []
        for case let relative as String in walker {
            let name = (relative as NSString).lastPathComponent
            guard name.contains("vasprun"), !name.hasSuffix(".json"), !name.hasSuffix(".md") else { continue }
            var isFolder: ObjCBool = false
            if FileManager.default.fileExists(atPath: Corpus.path(relative), isDirectory: &isFolder), !isFolder.boolValue {
                out.append(relative)
            }
        }
        return out.sorted()
    }()

    @Test func corpusPresentOnCI() {
        Corpus.checkPresentOnCI()
        if Corpus.isCI {
            // The manifest lists 49 single runs, 9 truncated files, 5 adsorption runs and the NEB root file.
            #expect(Self.files.count == 64, "found \(Self.files.count) vasprun files")
        }
    }

    @Test(arguments: files)
    func agreesWithPymatgen(_ relative: String) throws {
        let run = try Vasprun.read(path: Corpus.path(relative))
        let referencePath = Corpus.referenceRoot + "/" + relative + ".json"
        guard FileManager.default.fileExists(atPath: referencePath) else {
            // Only the NEB root file (several images wrote into it at once) has no per-file reference:
            // it must be reported as incomplete with a warning naming the line, never crash.
            #expect(relative.hasPrefix("neb/"))
            #expect(!run.complete)
            #expect(run.warnings.contains { $0.location.line != nil && $0.message.contains("XML error") })
            #expect(run.atoms == ["H", "H", "H", "N"])
            return
        }
        let ref = try Corpus.reference(relative + ".json")
        let mode = ref["read_mode"] as? String
        switch mode {
        case "strict": try compareStrict(run, ref)
        case "lenient": try compareLenient(run, ref)
        default: try comparePymatgenFailure(run, relative: relative)
        }
    }

    // MARK: - pymatgen read the file

    private func compareStrict(_ run: Vasprun, _ ref: [String: Any]) throws {
        #expect(run.complete)
        try compareHeader(run, ref)
        let steps = try #require(ref["ionic_steps"] as? [[String: Any]])
        #expect(run.ionicSteps.count == steps.count)
        compareSteps(run, steps)
        if let e = ref["final_energy"] as? Double {
            #expect(close(run.finalEnergy, e, 1e-6), "final energy \(String(describing: run.finalEnergy)) vs \(e)")
        } else {
            // pymatgen gives inf (no energy: BSE/GW runs); Cascade gives nil or a non-finite value.
            #expect(run.finalEnergy == nil || run.finalEnergy?.isFinite == false)
        }
        if let c = ref["converged_electronic"] as? Bool { #expect(run.convergedElectronic == c) }
        if let c = ref["converged_ionic"] as? Bool { #expect(run.convergedIonic == c) }
        try compareStructure(run.initialStructure, ref["initial_structure"])
        try compareStructure(run.finalStructure, ref["final_structure"])
        compareElectronic(run, ref)
    }

    // MARK: - pymatgen read it only leniently (a killed job)

    private func compareLenient(_ run: Vasprun, _ ref: [String: Any]) throws {
        #expect(!run.complete)
        #expect(run.warnings.contains { $0.message.contains("incomplete file") })
        try compareHeader(run, ref)
        let steps = try #require(ref["ionic_steps"] as? [[String: Any]])
        // Cascade returns what pymatgen's lenient mode returns, or more.
        #expect(run.ionicSteps.count >= steps.count)
        compareSteps(run, steps)
        if let e = ref["final_energy"] as? Double, run.ionicSteps.count == steps.count {
            #expect(close(run.finalEnergy, e, 1e-6))
        }
        try compareStructure(run.initialStructure, ref["initial_structure"])
        // pymatgen keeps the initial structure as "final" when finalpos is missing; Cascade gives the
        // structure of the last complete ionic step instead.
        if run.finalStructure != run.initialStructure {
            #expect(run.finalStructure == run.ionicSteps.last?.structure)
        }
        compareElectronic(run, ref)
    }

    /// pymatgen failed even leniently: Cascade must still return the header and say where it ends.
    private func comparePymatgenFailure(_ run: Vasprun, relative: String) throws {
        #expect(!run.complete)
        #expect(run.vaspVersion != nil)
        let warning = try #require(run.warnings.first { $0.message.contains("incomplete file") })
        #expect(warning.location.byteOffset != nil && warning.location.context != nil)
        guard let original = Self.originals[relative] else {
            // The custodian file ends right after </parameters>: header only.
            #expect(run.ionicSteps.isEmpty && run.atoms.isEmpty && !run.parameters.names.isEmpty)
            return
        }
        // A derived cut of a corpus file: what Cascade recovers agrees with pymatgen's read of the original.
        let ref = try Corpus.reference(original + ".json")
        try compareHeader(run, ref)
        let steps = try #require(ref["ionic_steps"] as? [[String: Any]])
        #expect(!run.ionicSteps.isEmpty && run.ionicSteps.count <= steps.count)
        compareSteps(run, steps)
        if run.ionicSteps.count == steps.count, let e = ref["final_energy"] as? Double {
            #expect(close(run.finalEnergy, e, 1e-6))
        }
    }

    /// Derived truncations (MANIFEST.md) → the corpus file they were cut from.
    static let originals: [String: String] = [
        "truncated/derived/CeO2_hse06_cut_in_partial_dos.vasprun.xml": "vasprun/pymatgen/vasprun.hse06.xml.gz",
        "truncated/derived/GaAs_cut_in_dos_total.vasprun.xml": "vasprun/amset/GaAs/vasprun.xml.gz",
        "truncated/derived/NiO_cut_in_projected_midrow.vasprun.xml": "vasprun/quacc/vasp_mp_run1/vasprun.xml.gz"
    ]

    // MARK: - Pieces

    private func compareHeader(_ run: Vasprun, _ ref: [String: Any]) throws {
        // pymatgen's parameter container lower-cases the build string ("18apr17"); Cascade keeps it as written.
        #expect(run.vaspVersion?.lowercased() == (ref["vasp_version"] as? String)?.lowercased())
        #expect(run.atoms == (ref["atoms"] as? [String] ?? []))
        #expect(run.potcarTitles == (ref["potcars"] as? [String] ?? []))
        let parameters = try #require(ref["parameters"] as? [String: Any])
        #expect(close(run.nelect, parameters["NELECT"] as? Double, 1e-9))
        #expect(close(run.parameters["ENMAX"]?.double, parameters["ENMAX"] as? Double, 1e-9))
        #expect(run.parameters["ISPIN"]?.int == parameters["ISPIN"] as? Int)
        #expect(run.parameters["NBANDS"]?.int == parameters["NBANDS"] as? Int)
        // ZVAL and POTCAR per type, read independently of pymatgen by the reference maker.
        if let zval = ref["zval"] as? [[String: Any]] {
            #expect(run.atomTypes.map(\.valence) == zval.compactMap { $0["valence"] as? Double })
            #expect(run.atomTypes.map(\.count) == zval.compactMap { $0["atomspertype"] as? Int })
        }
    }

    private func compareSteps(_ run: Vasprun, _ steps: [[String: Any]]) {
        for (index, (mine, theirs)) in zip(run.ionicSteps, steps).enumerated() {
            #expect(close(mine.energies?.freeEnergy, theirs["e_fr_energy"] as? Double, 1e-8), "step \(index) e_fr_energy")
            #expect(close(mine.energies?.energyWithoutEntropy, theirs["e_wo_entrp"] as? Double, 1e-8), "step \(index) e_wo_entrp")
            #expect(close(mine.energies?.energySigma0, theirs["e_0_energy"] as? Double, 1e-8), "step \(index) e_0_energy")
            #expect(mine.scfStepCount == theirs["n_scf"] as? Int, "step \(index) SCF steps")
        }
    }

    private func compareStructure(_ mine: Structure?, _ reference: Any?) throws {
        guard let ref = reference as? [String: Any] else { return }
        let s = try #require(mine)
        let lattice = try #require(ref["lattice"] as? [[Double]])
        let cartesian = try #require(ref["cart_coords"] as? [[Double]])
        #expect(s.species == ref["species"] as? [String])
        let latticeError = zip(s.lattice.rows.joined(), lattice.joined()).map { abs($0 - $1) }.max() ?? 0
        #expect(latticeError <= 1e-6)
        #expect(s.count == cartesian.count)
        let positionError =
            zip(s.cartesianPositions, cartesian).map { p, q in
                max(abs(p.x - q[0]), abs(p.y - q[1]), abs(p.z - q[2]))
            }.max() ?? 0
        #expect(positionError <= 1e-6, "Cartesian positions differ by \(positionError) Å")
    }

    private func compareElectronic(_ run: Vasprun, _ ref: [String: Any]) {
        #expect(close(run.efermi, ref["efermi"] as? Double, 1e-8))
        #expect(run.kpoints?.points.count == ref["n_kpoints"] as? Int)
        #expect(close(run.kpoints?.weights.reduce(0, +), ref["kpoint_weights_sum"] as? Double, 1e-8))
        compareDOS(run.dos, ref["dos"] as? [String: Any])
        if let eigen = ref["eigenvalues"] as? [String: Any] {
            #expect(run.eigenvalues?.spinCount == (eigen["spins"] as? [String])?.count)
            #expect(run.eigenvalues?.kpointCount == eigen["kpoints"] as? Int)
            #expect(run.eigenvalues?.bandCount == eigen["bands"] as? Int)
        } else {
            #expect(run.eigenvalues == nil)
        }
        if let projected = ref["projected"] as? [String: Any] {
            let shape = run.projected?.weights.shape ?? []
            let magnetisation = ref["projected_magnetization_shape"] as? [Int]
            #expect(shape.count == 5)
            #expect(shape.first == (magnetisation == nil ? (projected["spins"] as? [String])?.count : 4))
            #expect(Array(shape.dropFirst()) == ["kpoints", "bands", "ions", "orbitals"].compactMap { projected[$0] as? Int })
        } else {
            #expect(run.projected == nil)
        }
    }

    private func compareDOS(_ dos: DensityOfStates?, _ ref: [String: Any]?) {
        guard let ref else {
            #expect(dos == nil)
            return
        }
        guard let dos else {
            Issue.record("DOS missing")
            return
        }
        let n = dos.energies.count
        #expect(n == ref["n_energies"] as? Int)
        #expect(dos.energies.first == ref["emin"] as? Double)
        #expect(dos.energies.last == ref["emax"] as? Double)
        #expect(dos.spinCount == (ref["spins"] as? [String])?.count)
        let sums = ref["densities_sum"] as? [String: Double] ?? [:]
        for (channel, label) in ["1", "-1"].enumerated() where channel < dos.spinCount {
            let mine = dos.total.values[(channel * n)..<(channel * n + n)].reduce(0, +)
            let theirs = sums[label] ?? .nan
            #expect(abs(mine - theirs) <= 1e-3 * max(1, abs(theirs)), "DOS sum spin \(label): \(mine) vs \(theirs)")
        }
        #expect(dos.partial?.shape[0] ?? 0 == ref["n_pdos_sites"] as? Int)
        let orbitals = ref["pdos_orbitals"] as? [String] ?? []
        #expect(dos.orbitalLabels.count == orbitals.count)
    }
}

/// `|a − b| ≤ tolerance`, with two `nil`s equal.
func close(_ a: Double?, _ b: Double?, _ tolerance: Double) -> Bool {
    switch (a, b) {
    case (nil, nil): return true
    case (let x?, let y?): return abs(x - y) <= tolerance
    default: return false
    }
}
