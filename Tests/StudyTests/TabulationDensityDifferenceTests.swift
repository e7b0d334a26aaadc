import Analysis
import Chemistry
import Foundation
import Study
import TestSupport
import Testing
import VASP

/// A run tree of static calculations assembled at test time from corpus files (symlinks in a temporary
/// folder): every calculation gets the converged vasprun.xml of atomate_Ir_H run 2 (its status) and a
/// CHGCAR from the corpus volumetric set.
enum DensityFixture {
    static let manifestText = """
        study: density-test
        structures: .
        systems:
          - {name: x, file: x.vasp}
        calculations:
          - {name: static/ab, set: static, system: x}
          - {name: static/a, set: static, system: x}
          - {name: static/b, set: static, system: x}
          - {name: static/si, set: static, system: x}
          - {name: static/si-core, set: static, system: x}
          - {name: static/si-valence, set: static, system: x}
          - {name: static/small, set: static, system: x}
          - {name: static/nochg, set: static, system: x}
          - {name: static/missing, set: static, system: x}
        quantities:
          density_differences:
            - {name: same CHGCAR thrice, source: test, complex: static/ab, parts: [static/a, static/b], write: true}
            - {name: Si CHGCAR − AECCAR0 − AECCAR2, complex: static/si, parts: [static/si-core, static/si-valence], axis: z}
            - {name: grids differ, complex: static/ab, parts: [static/small]}
            - {name: inputs missing, complex: static/ab, parts: [static/nochg, static/missing]}
        """

    /// (calculation, corpus CHGCAR or nil).
    static let runs: [(String, String?)] = [
        ("static/ab", "volumetric/pymatgen/CHGCAR.spin.gz"), ("static/a", "volumetric/pymatgen/CHGCAR.spin.gz"),
        ("static/b", "volumetric/pymatgen/CHGCAR.spin.gz"), ("static/si", "volumetric/atomate_Si_static/CHGCAR.gz"),
        ("static/si-core", "volumetric/atomate_Si_static/AECCAR0.gz"), ("static/si-valence", "volumetric/atomate_Si_static/AECCAR2.gz"),
        ("static/small", "volumetric/pymatgen/CHGCAR.nospin.gz"), ("static/nochg", nil)
    ]

    /// Builds the tree; returns (root, manifest path, runs folder).
    static func make(corpus: String, manifest: String = manifestText) throws -> (root: String, manifest: String, runs: String) {
        let fm = FileManager.default
        let root = try StudyFixture.temporaryFolder("tabulate-density")
        let runsFolder = root + "/runs"
        for (name, chgcar) in runs {
            let folder = runsFolder + "/" + name
            try fm.createDirectory(atPath: folder, withIntermediateDirectories: true)
            try fm.createSymbolicLink(atPath: folder + "/vasprun.xml.gz", withDestinationPath: corpus + "/adsorption/atomate_Ir_H/2/outputs/vasprun.xml.gz")
            if let chgcar { try fm.createSymbolicLink(atPath: folder + "/CHGCAR.gz", withDestinationPath: corpus + "/" + chgcar) }
        }
        try manifest.write(toFile: root + "/study.yaml", atomically: true, encoding: .utf8)
        return (root, root + "/study.yaml", runsFolder)
    }
}

@Suite struct TabulationDensityDifferenceTests {
    static func tabulate(options: TabulationOptions = TabulationOptions()) throws -> (root: String, StudyTabulationResult) {
        let tree = try DensityFixture.make(corpus: Corpus.root)
        let manifest = try StudyManifest.load(path: tree.manifest)
        return (tree.root, StudyTabulation.make(manifest: manifest, runs: tree.runs, options: options))
    }

    /// Δρ = ρ − ρ − ρ = −ρ: ΔN = −N of corpus-ref (pymatgen), extrema = −(pymatgen extrema)/V; the
    /// CHGCAR_diff is written (VASP layout) into the output folder and reads back as −ρ.
    @Test func sameChgcarThriceGivesMinusRho() throws {
        guard Corpus.available else { return }
        let out = try StudyFixture.temporaryFolder("density-out") + "/figures"
        let (root, t) = try Self.tabulate(options: TabulationOptions(outputFolder: out))
        defer {
            StudyFixture.remove(root)
            StudyFixture.remove((out as NSString).deletingLastPathComponent)
        }
        #expect(t.densityDifferences.count == 4)
        let d = t.densityDifferences[0]
        let s = try #require(d.summary, "\(d.reason ?? "")")
        let ref = try Corpus.reference("volumetric/pymatgen/CHGCAR.spin.gz.json")
        let n = try #require(ref["total_sum_over_ngrid"] as? Double)
        #expect(abs(s.netCharge - -n) < 1e-9)
        #expect(abs(s.expectedNetCharge - -n) < 1e-9)
        #expect(s.electronsParts.count == 2 && abs(s.electronsWhole - n) < 1e-9)
        #expect(s.dimensions == SIMD3(48, 48, 48) && s.axis == 2)
        // pymatgen: -Chgcar.data["total"].min()/V and .max()/V.
        #expect(abs(s.minimum.value - -0.054628876496902144) < 1e-12)
        #expect(abs(s.maximum.value - -0.021909391908936218) < 1e-12)
        // ΔQ(z) of −ρ falls from −ρ̄(0)/n to −N at the last plane (corpus-ref planar averages).
        let averages = try #require((ref["average_along_axis"] as? [String: [String: Any]])?["2"]?["values"] as? [Double])
        #expect(abs(s.displacementMinimum.value - -n) < 1e-9 && s.displacementMinimum.fractional.z == 47.0 / 48)
        #expect(abs(s.displacementMaximum.value - -averages[0] / 48) < 1e-12 && s.displacementMaximum.height == 0)
        #expect(s.profile.cumulativeCharge.count == 48)
        // Provenance: the three CHGCARs with SHA-256, VASP version of the runs.
        #expect(d.provenance.files.count == 3 && d.provenance.files.allSatisfy { $0.sha256?.count == 64 && $0.path.hasSuffix("CHGCAR.gz") })
        #expect(d.provenance.files[0].sha256 == (try TabulationFixture.sha256sum(d.provenance.files[0].path)))
        #expect(d.provenance.vaspVersions == ["5.4.1"] && d.provenance.rule.contains("Δρ = ρ(complex) − Σ ρ(parts)"))
        // The CHGCAR_diff.
        #expect(d.plotFile == "chgdiff-static_ab.svg" && d.chgcarFile == "CHGCAR_diff-static_ab.vasp")
        let written = try #require(d.written)
        #expect(written == out + "/CHGCAR_diff-static_ab.vasp")
        let back = try Volumetric.read(path: written)
        #expect(back.dimensions == SIMD3(48, 48, 48) && back.blocks.count == 1)
        #expect(abs(back.total.mean - -n) < 1e-6)
        #expect(back.comment.hasPrefix("Delta rho = static/ab - static/a - static/b"))
        // The other definitions do not write (write: false) and keep their own plot names.
        #expect(
            t.densityDifferences.map(\.plotFile) == ["chgdiff-static_ab.svg", "chgdiff-static_si.svg", "chgdiff-static_ab-2.svg", "chgdiff-static_ab-3.svg"])
        #expect(t.densityDifferences.dropFirst().allSatisfy { $0.chgcarFile == nil && $0.written == nil })
    }

    /// An existing CHGCAR_diff is kept without replaceOutputs and replaced with it.
    @Test func existingOutputIsKeptWithoutForce() throws {
        guard Corpus.available else { return }
        let out = try StudyFixture.temporaryFolder("density-keep")
        defer { StudyFixture.remove(out) }
        try "keep me\n".write(toFile: out + "/CHGCAR_diff-static_ab.vasp", atomically: true, encoding: .utf8)
        let (root, t) = try Self.tabulate(options: TabulationOptions(hashFiles: false, outputFolder: out))
        defer { StudyFixture.remove(root) }
        #expect(t.densityDifferences[0].written == nil && t.densityDifferences[0].notes.contains { $0.contains("exists and was kept") })
        #expect(try StudyFixture.read(out + "/CHGCAR_diff-static_ab.vasp") == "keep me\n")
        #expect(t.densityDifferences[0].provenance.files.allSatisfy { $0.sha256 == nil })
        let (root2, forced) = try Self.tabulate(options: TabulationOptions(hashFiles: false, outputFolder: out, replaceOutputs: true))
        defer { StudyFixture.remove(root2) }
        #expect(forced.densityDifferences[0].written == out + "/CHGCAR_diff-static_ab.vasp")
        #expect(try Volumetric.read(path: out + "/CHGCAR_diff-static_ab.vasp", maxBlocks: 1).dimensions == SIMD3(48, 48, 48))
    }

    /// Si CHGCAR − AECCAR0 − AECCAR2 (60³, same cell): ΔN from the corpus-ref totals, ΔQ(z) from the
    /// corpus-ref planar averages of the three files, the Δρ extrema from pymatgen.
    @Test func siliconDifferenceMatchesReferences() throws {
        guard Corpus.available else { return }
        let (root, t) = try Self.tabulate()
        defer { StudyFixture.remove(root) }
        let d = t.densityDifferences[1]
        let s = try #require(d.summary, "\(d.reason ?? "")")
        let files = ["CHGCAR.gz", "AECCAR0.gz", "AECCAR2.gz"]
        let refs = try files.map { try Corpus.reference("volumetric/atomate_Si_static/\($0).json") }
        let totals = refs.map { $0["total_sum_over_ngrid"] as? Double ?? .nan }
        let expected = totals[0] - totals[1] - totals[2]  // −23.266733027587833 e
        #expect(abs(s.netCharge - expected) < 1e-8, "\(s.netCharge) vs \(expected)")
        #expect(abs(s.expectedNetCharge - expected) < 1e-8)
        #expect(abs(s.electronsParts[0] - totals[1]) < 1e-9 && abs(s.electronsParts[1] - totals[2]) < 1e-9)
        let planes = try refs.map { try #require((($0["average_along_axis"] as? [String: [String: Any]])?["2"]?["values"]) as? [Double]) }
        var running = 0.0
        var q: [Double] = []
        for k in 0..<60 {
            running += (planes[0][k] - planes[1][k] - planes[2][k]) / 60
            q.append(running)
        }
        let qMax = q.max() ?? .nan
        let qMin = q.min() ?? .nan
        #expect(abs(s.displacementMaximum.value - qMax) < 1e-8 && s.displacementMaximum.fractional.z == Double(q.firstIndex(of: qMax) ?? -1) / 60)
        #expect(abs(s.displacementMinimum.value - qMin) < 1e-8)
        // pymatgen: (CHGCAR − AECCAR0 − AECCAR2).min()/V at (0, 0, 0), .max()/V.
        #expect(abs(s.minimum.value - -12845.830297227216) < 1e-6 && s.minimum.fractional == .zero)
        #expect(abs(s.maximum.value - 4.208406795139743e-06) < 1e-12)
        #expect(d.written == nil && d.chgcarFile == nil)
    }

    /// Grids that differ, a converged run without CHGCAR and a missing calculation: n/a naming each.
    @Test func unavailableInputsAreNamed() throws {
        guard Corpus.available else { return }
        let (root, t) = try Self.tabulate()
        defer { StudyFixture.remove(root) }
        let grids = t.densityDifferences[2]
        #expect(grids.summary == nil)
        let reason = try #require(grids.reason)
        #expect(reason.contains("the grid of static/small") && reason.contains("32×32×32") && reason.contains("48×48×48"), "\(reason)")
        #expect(reason.contains("NGXF/NGYF/NGZF"))
        let missing = t.densityDifferences[3]
        let why = try #require(missing.reason)
        #expect(why.contains("static/nochg has no CHGCAR or CHGCAR.gz") && why.contains("LCHARG"), "\(why)")
        #expect(why.contains("static/missing is missing"), "\(why)")
        #expect(missing.provenance.files.isEmpty)
    }
}

/// `cascade generate`'s plan checks of density differences (Planner `checkDensity`): the bundled Fig. 2c
/// entry passes (LCHARG, one cell, one ENCUT/PREC, hence one FFT grid), and a broken manifest is flagged.
@Suite struct DensityDifferencePlanTests {
    static var structuresReady: Bool { StudyFixture.exists(StudyFixture.packageRoot + "/structures/structures.yaml") }

    @Test(.enabled(if: structuresReady, "structures/structures.yaml does not exist yet"))
    func bundledStudySharesCellAndGrid() throws {
        let m = try StudyManifest.load(path: StudyFixture.templates + "/studies/tfsi-mof-copc.yaml")
        let d = try #require(m.quantities.densityDifferences.first)
        #expect(d.complex == "static/mof-copc" && d.parts == ["frozen/mof", "frozen/copc"] && d.axis == 2 && d.write && d.source == "Fig. 2c")
        let out = try StudyFixture.temporaryFolder("density-plan") + "/tfsi-mof-copc"
        defer { StudyFixture.remove((out as NSString).deletingLastPathComponent) }
        let plan = try GenerationPlan.make(manifest: m, options: GenerationOptions(outputFolder: out))
        #expect(plan.allErrors.isEmpty, "\(plan.allErrors)")
        #expect(!plan.warnings.contains { $0.contains("density difference") }, "\(plan.warnings)")
        let statics = try ["static/mof-copc", "frozen/mof", "frozen/copc"].map { name in try #require(plan.calculations.first { $0.name == name }) }
        #expect(statics.allSatisfy { $0.incar.bool("LCHARG") == true && $0.incar.double("ENCUT") == 400 && $0.incar.string("PREC") == "Normal" })
        #expect(statics.allSatisfy { $0.incar["NGXF"] == nil })
        let cells = statics.compactMap { c -> Lattice? in if case .single(let s) = c.geometry { return s.lattice } else { return nil } }
        #expect(cells.count == 3 && cells.allSatisfy { $0 == cells[0] })
    }

    @Test(.enabled(if: structuresReady, "structures/structures.yaml does not exist yet"))
    func brokenDefinitionsAreFlagged() throws {
        let folder = try StudyFixture.temporaryFolder("density-plan-bad")
        defer { StudyFixture.remove(folder) }
        let text = """
            study: density-plan
            structures: \(StudyFixture.packageRoot)/structures
            index: structures.yaml
            input_sets: \(StudyFixture.templates)
            systems:
              - {name: mof-copc, file: catalysts/mof-copc.vasp}
              - {name: mof, file: catalysts/mof.vasp}
            calculations:
              - {name: static/mof-copc, set: static, system: mof-copc}
              - {name: static/mof, set: static, system: mof, incar: {ENCUT: 500, LCHARG: false}}
            quantities:
              density_differences:
                - {name: grid, complex: static/mof-copc, parts: [static/mof]}
            """
        try text.write(toFile: folder + "/study.yaml", atomically: true, encoding: .utf8)
        let plan = try GenerationPlan.make(
            manifest: try StudyManifest.load(path: folder + "/study.yaml"), options: GenerationOptions(outputFolder: folder + "/out"))
        #expect(
            plan.warnings.contains { $0.contains("density difference grid") && $0.contains("ENCUT differs (static/mof-copc 400, static/mof 500)") },
            "\(plan.warnings)")
        #expect(plan.warnings.contains { $0.contains("static/mof has LCHARG = .FALSE.") })
        #expect(plan.allErrors.isEmpty, "\(plan.allErrors)")
    }
}
