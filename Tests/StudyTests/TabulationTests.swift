import Analysis
import Foundation
import Study
import TestSupport
import Testing

/// A run tree assembled at test time from corpus runs (symlinks into a temporary folder), with a
/// manifest written by the test: adsorption set atomate_Ir_H, the VTST NH3 band, the pymatgen neb1 end
/// points, a truncated vasprun cut here, an unconverged run, and calculations that are missing.
enum TabulationFixture {
    struct Tree {
        var root: String
        var manifest: String
        var runs: String
    }

    static let manifestText = """
        study: tabulation-test
        structures: .
        systems:
          - {name: x, file: x.vasp}
        calculations:
          - {name: relax/ir-bulk, set: relax, system: x}
          - {name: relax/ir-slab, set: relax, system: x}
          - {name: relax/h-site0, set: relax, system: x}
          - {name: relax/h-site1, set: relax, system: x}
          - {name: relax/h-site2, set: relax, system: x}
          - {name: relax/h2, set: relax, system: x}
          - {name: relax/cut, set: relax, system: x}
          - {name: relax/unconverged, set: relax, system: x}
          - {name: relax/nh3-a, set: relax, system: x}
          - {name: relax/nh3-b, set: relax, system: x}
          - {name: relax/fe-a, set: relax, system: x}
          - {name: relax/fe-b, set: relax, system: x}
          - {name: bader/h-site0, set: bader, system: x}
          - {name: bader/h-site1, set: bader, system: x}
          - {name: neb/h/1-hop, set: neb, initial: relax/h-site0, final: relax/h-site1}
          - {name: neb/h/2-hop, set: neb, initial: relax/h-site1, final: relax/h-site2}
          - {name: neb/nh3/1-inversion, set: neb, initial: relax/nh3-a, final: relax/nh3-b}
          - {name: neb/fe/1-hop, set: neb, initial: relax/fe-a, final: relax/fe-b}
        quantities:
          energies:
            - {name: "E(H/Ir site 0) - 4E(slab)", source: "corpus-ref", complex: relax/h-site0, parts: [relax/ir-slab, relax/ir-slab, relax/ir-slab, relax/ir-slab]}
            - {name: "E(H/Ir site 1) - 4E(slab)", complex: relax/h-site1, parts: [relax/ir-slab, relax/ir-slab, relax/ir-slab, relax/ir-slab]}
            - {name: "E(H/Ir site 2) - 4E(slab)", complex: relax/h-site2, parts: [relax/ir-slab, relax/ir-slab, relax/ir-slab, relax/ir-slab]}
            - {name: "E_ads(H) with H2", complex: relax/h-site0, parts: [relax/ir-slab, relax/ir-slab, relax/ir-slab, relax/ir-slab, relax/h2]}
            - {name: "cut minus bulk", complex: relax/cut, parts: [relax/ir-bulk]}
            - {name: "unconverged minus bulk", complex: relax/unconverged, parts: [relax/ir-bulk]}
          pathways:
            - {name: "H on Ir(100)", steps: [neb/h/1-hop, neb/h/2-hop]}
            - {name: "NH3 inversion", steps: [neb/nh3/1-inversion]}
            - {name: "Fe vacancy hop", steps: [neb/fe/1-hop]}
          bonds:
            - {name: H–Ir, calculations: [relax/h-site0, relax/h-site1, relax/h-site2], elements: [H, Ir]}
            - {name: Ir–Ir, calculations: [relax/ir-slab, relax/h-site0, relax/h2], elements: [Ir, Ir]}
          electronic:
            - {name: d-band, source: corpus-ref, calculations: [relax/h-site0, relax/h2], elements: [Ir, H], sites: [1-4]}
            - {name: d-band window, calculations: [relax/h-site0], elements: [Ir], window: [-10, 5]}
          fragments:
            - name: H on Ir
              calculations: [bader/h-site0, bader/h-site1]
              groups:
                - {name: H, atoms: [0]}
                - {name: slab, rest: true}
        """

    /// An ACF.dat (Henkelman 1.0x dialect) for the 17 atoms of an H1 Ir16 run: H first, then Ir.
    static func acf(hydrogen: Double) -> String {
        var electrons = [hydrogen] + Array(repeating: 9.0, count: 15)
        electrons.append(145 - electrons.reduce(0, +))
        var out = "    #         X           Y           Z       CHARGE      MIN DIST   ATOMIC VOL\n"
        out += " --------------------------------------------------------------------------------\n"
        for (k, n) in electrons.enumerated() {
            out += String(format: " %4d %10.6f %10.6f %10.6f %10.6f %10.6f %10.6f\n", k + 1, 0.1 * Double(k), 0.0, 0.0, n, 0.5, 10.0)
        }
        out += " --------------------------------------------------------------------------------\n"
        out += "    VACUUM CHARGE:               0.0000\n    VACUUM VOLUME:               0.0000\n    NUMBER OF ELECTRONS:       145.0000\n"
        return out
    }

    /// Builds the tree under a new temporary folder; `corpus` is the corpus root.
    static func make(corpus: String) throws -> Tree {
        let fm = FileManager.default
        let root = NSTemporaryDirectory() + "cascade-tabulate-\(UUID().uuidString)"
        let runs = root + "/runs"
        func link(_ source: String, _ destination: String) throws {
            let target = runs + "/" + destination
            try fm.createDirectory(atPath: (target as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
            try fm.createSymbolicLink(atPath: target, withDestinationPath: corpus + "/" + source)
        }
        let ir = "adsorption/atomate_Ir_H"
        for (run, name) in [("1", "ir-bulk"), ("2", "ir-slab"), ("3", "h-site0"), ("4", "h-site1"), ("5", "h-site2")] {
            // Run 1's POSCAR in the corpus is a 2-atom cell, not the input of its 4-atom vasprun.xml: in one
            // folder the two would be `mismatch` (StateGuardsTests), so the bulk run gets no POSCAR here.
            let files = run == "1" ? ["vasprun.xml.gz", "OUTCAR.gz", "CONTCAR"] : ["vasprun.xml.gz", "OUTCAR.gz", "CONTCAR", "POSCAR"]
            for file in files { try link("\(ir)/\(run)/outputs/\(file)", "relax/\(name)/\(file)") }
        }
        for (run, name) in [("3", "h-site0"), ("4", "h-site1")] {
            try link("\(ir)/\(run)/outputs/vasprun.xml.gz", "bader/\(name)/vasprun.xml.gz")
            try link("\(ir)/\(run)/outputs/POSCAR", "bader/\(name)/POSCAR")
        }
        try acf(hydrogen: 1.32).write(toFile: runs + "/bader/h-site0/ACF.dat", atomically: true, encoding: .utf8)
        try acf(hydrogen: 1.25).write(toFile: runs + "/bader/h-site1/ACF.dat", atomically: true, encoding: .utf8)
        // A killed job: the first 60 % of a complete vasprun.xml, cut here (never in the corpus).
        let whole = try Data(contentsOf: URL(fileURLWithPath: corpus + "/vasprun/custodian/postprocess/vasprun.xml"))
        try fm.createDirectory(atPath: runs + "/relax/cut", withIntermediateDirectories: true)
        try whole.prefix(whole.count * 6 / 10).write(to: URL(fileURLWithPath: runs + "/relax/cut/vasprun.xml"))
        try link("vasprun/custodian/unconverged/vasprun.xml.electronic.gz", "relax/unconverged/vasprun.xml.gz")
        let nh3 = "neb/aiida-vasp_NH3_inversion"
        for image in ["00", "04"] { try link("\(nh3)/\(image)/POSCAR", "neb/nh3/1-inversion/\(image)/POSCAR") }
        for image in ["01", "02", "03"] {
            for file in ["OUTCAR", "CONTCAR", "POSCAR", "OSZICAR"] { try link("\(nh3)/\(image)/\(file)", "neb/nh3/1-inversion/\(image)/\(file)") }
        }
        try link("\(nh3)/INCAR", "neb/nh3/1-inversion/INCAR")
        let fe = "neb/pymatgen_neb1"
        for file in ["00/OUTCAR.gz", "00/POSCAR", "04/OUTCAR.gz", "04/POSCAR", "01/CONTCAR", "02/CONTCAR", "03/CONTCAR"] {
            try link("\(fe)/\(file)", "neb/fe/1-hop/\(file)")
        }
        try manifestText.write(toFile: root + "/study.yaml", atomically: true, encoding: .utf8)
        return Tree(root: root, manifest: root + "/study.yaml", runs: runs)
    }

    /// `sha256sum FILE` (coreutils), for checking the Swift SHA-256 on real files.
    static func sha256sum(_ path: String) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["sha256sum", path]
        let pipe = Pipe()
        process.standardOutput = pipe
        try process.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return String(String(decoding: data, as: UTF8.self).prefix(64))
    }
}

@Suite struct TabulationTests {
    @Test func corpusPresentOnCI() { Corpus.checkPresentOnCI() }

    /// Far in the future: every incomplete output counts as truncated, not running.
    static let later = TabulationOptions(now: Date().timeIntervalSince1970 + 30 * 86400)

    func tabulate(_ options: TabulationOptions = later) throws -> (TabulationFixture.Tree, StudyTabulationResult) {
        let tree = try TabulationFixture.make(corpus: Corpus.root)
        let manifest = try StudyManifest.load(path: tree.manifest)
        return (tree, StudyTabulation.make(manifest: manifest, runs: tree.runs, options: options))
    }

    @Test func statusOfEveryCalculation() throws {
        guard Corpus.available else { return }
        let (tree, t) = try tabulate()
        defer { StudyFixture.remove(tree.root) }
        let state = Dictionary(uniqueKeysWithValues: t.statuses.map { ($0.name, $0) })
        #expect(t.statuses.map(\.name).first == "relax/ir-bulk" && t.statuses.count == 18)
        for name in ["relax/ir-bulk", "relax/ir-slab", "relax/h-site0", "relax/h-site1", "relax/h-site2", "bader/h-site0"] {
            #expect(state[name]?.state == .converged, "\(name): \(state[name]?.reason ?? "")")
        }
        #expect(state["relax/h2"]?.state == .missing)
        #expect(state["relax/h2"]?.reason.contains("no folder") == true)
        #expect(state["relax/cut"]?.state == .truncated)
        #expect(state["relax/cut"]?.reason.contains("ends after") == true)
        #expect(state["relax/unconverged"]?.state == .unconverged)
        #expect(state["relax/unconverged"]?.reason.contains("electronic") == true)
        #expect(state["neb/h/1-hop"]?.state == .missing)
        let nh3 = try #require(state["neb/nh3/1-inversion"])
        #expect(nh3.isNeb && nh3.state == .converged, "\(nh3.reason)")
        #expect(nh3.images.map(\.label) == ["00", "01", "02", "03", "04"])
        #expect(nh3.images[1].state == .converged && nh3.images[1].maxForce == 0.010712)
        #expect(nh3.images[0].reason.contains("end point without output"))
        let fe = try #require(state["neb/fe/1-hop"])
        #expect(fe.state == .missing && fe.reason.contains("01, 02, 03"), "\(fe.reason)")
        // Energies of the relaxations = corpus-ref final_energy.
        let ref = try #require(try Corpus.reference("adsorption/atomate_Ir_H.json")["runs"] as? [String: [String: Any]])
        #expect(state["relax/h-site0"]?.finalEnergy == ref["3"]?["vasprun_final_energy_eV"] as? Double)
        #expect(state["relax/ir-slab"]?.vaspVersion == "5.4.1")
    }

    @Test func runningWhenRecentlyWritten() throws {
        guard Corpus.available else { return }
        // The cut file was just written: with the clock at "now" it counts as still running.
        let (tree, t) = try tabulate(TabulationOptions(runningWindow: 3600, now: Date().timeIntervalSince1970 + 5))
        defer { StudyFixture.remove(tree.root) }
        let cut = try #require(t.statuses.first { $0.name == "relax/cut" })
        #expect(cut.state == .running && cut.reason.contains("still being written"))
    }

    @Test func energiesReproduceCorpusReference() throws {
        guard Corpus.available else { return }
        let (tree, t) = try tabulate()
        defer { StudyFixture.remove(tree.root) }
        let ref = try #require(try Corpus.reference("adsorption/atomate_Ir_H.json")["adsorption"] as? [String: Any])
        let perSite = try #require(ref["per_site"] as? [String: [String: Any]])
        for (k, run) in ["3", "4", "5"].enumerated() {
            let expected = try #require(perSite[run]?["E_AB_minus_scaled_E_A_eV"] as? Double)
            let e = t.energies[k]
            #expect(abs((e.value ?? .nan) - expected) < 1e-8, "\(e.name): \(e.value ?? .nan) vs \(expected)")
            #expect(e.terms.map(\.coefficient) == [1, -4])
            #expect(e.issues.isEmpty, "\(e.issues)")
            #expect(e.provenance.vaspVersions == ["5.4.1"])
            #expect(e.provenance.rule.contains("pymatgen final_energy rule"))
        }
        // Provenance: the SHA-256 of each file equals coreutils' sha256sum.
        for file in t.energies[0].provenance.files {
            #expect(file.sha256 == (try TabulationFixture.sha256sum(file.path)), "\(file.path)")
        }
        #expect(t.energies[0].provenance.files.count == 2)
        #expect(t.energies[3].value == nil && t.energies[3].reason?.contains("relax/h2 is missing") == true)
        #expect(t.energies[4].value == nil && t.energies[4].reason?.contains("relax/cut is truncated") == true)
        #expect(t.energies[5].value == nil && t.energies[5].reason?.contains("relax/unconverged is unconverged") == true)
    }

    @Test func nebAndPathways() throws {
        guard Corpus.available else { return }
        let (tree, t) = try tabulate()
        defer { StudyFixture.remove(tree.root) }
        #expect(t.nebs.map(\.calculation) == ["neb/h/1-hop", "neb/h/2-hop", "neb/nh3/1-inversion", "neb/fe/1-hop"])
        // NH3: end points have no energy (their relaxations are missing): no barrier from the initial
        // state, but the band's fit over 01…03 reproduces ASE's force fit and pymatgen's spline.
        let nh3 = t.nebs[2]
        #expect(nh3.barrierForceFit == nil && nh3.reactionEnergy == nil)
        #expect(nh3.reason?.contains("no barrier from the initial state") == true)
        let ase = try #require(try Corpus.reference("neb/aiida-vasp_NH3_inversion.json")["ase_force_fit_images_01_03"] as? [String: Any])
        let analysis = try #require(nh3.analysis)
        #expect(abs((analysis.forceFit?.barrierForward ?? .nan) - (ase["barrier_fit_forward"] as? Double ?? 0)) < 1e-8)
        let pmg = try #require(try Corpus.reference("neb/aiida-vasp_NH3_inversion.json")["pymatgen_NEBAnalysis_images_01_03"] as? [String: Any])
        let meV = try #require(pmg["spline_max_default_meV"] as? Double)
        #expect(abs((analysis.pymatgenMaxima.first?.energy ?? .nan) * 1000 - meV) < 1e-3)
        // Fe vacancy hop: images without output; ΔE from the end-point OUTCARs.
        let fe = t.nebs[3]
        #expect(abs((fe.reactionEnergy ?? .nan) - (-255.98097765 + 255.97992669)) < 1e-8)
        #expect(fe.barrierForceFit == nil && fe.reason?.contains("missing") == true)
        // H hopping: no NEB folders; ΔE from the relaxations, barriers n/a.
        let hop = t.pathways[0]
        #expect(hop.steps.map(\.name) == ["1-hop", "2-hop"])
        #expect(abs((hop.steps[0].reactionEnergy ?? .nan) - (-130.1001782 + 130.36848031)) < 1e-8)
        #expect(abs((hop.steps[1].reactionEnergy ?? .nan) - (-130.46616758 + 130.1001782)) < 1e-8)
        #expect(hop.steps[0].barrier == nil && hop.steps[0].reasons.first?.contains("neb/h/1-hop is missing") == true)
        let rds = try #require(rateDeterminingStep(hop.pathway))
        #expect(rds.index == 0 && rds.rule.contains("most endergonic"))
        #expect(t.comparison.catalysts == ["H on Ir(100)", "NH3 inversion", "Fe vacancy hop"])
    }

    @Test func bondsAndFragments() throws {
        guard Corpus.available else { return }
        let (tree, t) = try tabulate()
        defer { StudyFixture.remove(tree.root) }
        let hIr = t.bonds[0]
        #expect(hIr.matching == "atom pairs" && !hIr.rows.isEmpty)
        #expect(hIr.rows.allSatisfy { $0.label.hasPrefix("H1–Ir") && $0.lengths.allSatisfy { $0 != nil } && $0.broken != nil })
        let irIr = t.bonds[1]
        #expect(irIr.matching == "rank of length")
        #expect(irIr.unavailable[2]?.contains("relax/h2 is missing") == true)
        #expect(irIr.rows.allSatisfy { $0.lengths[2] == nil && $0.broken == nil })
        let f = t.fragments[0]
        #expect(f.groups == ["H", "slab"] && f.atoms[0] == [0] && f.atoms[1].count == 16)
        let q0 = try #require(f.charges[0])
        #expect(abs((q0[0].netCharge ?? .nan) - (1 - 1.32)) < 1e-9)
        #expect(abs((q0[1].netCharge ?? .nan) - 0.32) < 1e-9)
        #expect(abs((f.transfer[1][0] ?? .nan) - 0.07) < 1e-9)
        #expect(f.provenance.files.contains { $0.path.hasSuffix("bader/h-site0/ACF.dat") && $0.sha256?.count == 64 })
        #expect(f.warnings.contains { $0.contains("AECCAR") })
    }

    /// d-band centre, width, filling and the gap of Ir in H/Ir(100) = pymatgen (corpus-ref d_band, band_gap).
    @Test func electronicStructureMatchesPymatgen() throws {
        guard Corpus.available else { return }
        let (tree, t) = try tabulate()
        defer { StudyFixture.remove(tree.root) }
        let ref = try Corpus.reference("adsorption/atomate_Ir_H/3/outputs/vasprun.xml.gz.json")
        let dBand = try #require((ref["d_band"] as? [String: Any])?["Ir"] as? [String: Any])
        let full = try #require(dBand["erange_none"] as? [String: Double])
        let windowed = try #require(dBand["erange_m10_p5"] as? [String: Any])
        let set = t.electronic[0]
        #expect(set.selections == ["Ir", "H", "sites 1,2,3,4"])
        let state = set.states[0]
        let ir = try #require(state.bands[0].summed)
        #expect(abs(ir.center - (full["band_center"] ?? .nan)) < 1e-9)
        #expect(abs(ir.width - (full["band_width"] ?? .nan)) < 1e-9)
        #expect(abs(ir.filling - (full["band_filling"] ?? .nan)) < 1e-9)
        #expect(state.bands[1].summed == nil)  // H has no d states: pymatgen gives null too
        #expect(state.bands[2].summed != nil)
        let gap = try #require(ref["band_gap"] as? [String: Any])
        #expect(abs((state.bandEdges?.gap ?? .nan) - (gap["gap"] as? Double ?? .nan)) < 1e-9)
        #expect(state.efermi == ref["efermi"] as? Double)
        #expect(state.dos != nil && state.provenance.files.first?.sha256?.count == 64)
        #expect(set.states[1].reason?.contains("relax/h2 is missing") == true && set.states[1].bands.isEmpty)
        let w = try #require(t.electronic[1].states[0].bands[0].summed)
        #expect(abs(w.center - (windowed["band_center"] as? Double ?? .nan)) < 1e-9 && w.window == -10...5)
    }

    @Test func emptyRunsFolderOfTheBundledStudy() throws {
        let manifest = try StudyManifest.load(path: StudyFixture.templates + "/studies/tfsi-mof-copc.yaml")
        let empty = try StudyFixture.temporaryFolder("tabulate-empty")
        defer { StudyFixture.remove(empty) }
        let t = StudyTabulation.make(manifest: manifest, runs: empty)
        #expect(t.statuses.count == manifest.calculations.count && t.statuses.allSatisfy { $0.state == .missing })
        #expect(t.energies.allSatisfy { $0.value == nil && $0.reason?.contains("is missing") == true })
        #expect(t.pathways.count == 3 && t.pathways.allSatisfy { $0.steps.allSatisfy { $0.barrier == nil && $0.reactionEnergy == nil } })
        #expect(t.fragments.allSatisfy { $0.charges.allSatisfy { $0 == nil } })
        #expect(!t.warnings.contains { $0.contains("does not exist") })
        // A runs folder that does not exist at all (a mistyped --runs) is said once, up front.
        let nowhere = StudyTabulation.make(manifest: manifest, runs: empty + "/no-such-runs")
        #expect(nowhere.warnings.first == "the runs folder \(empty)/no-such-runs does not exist: every calculation is missing (is --runs right?)")
    }
}

@Suite struct SHA256Tests {
    /// FIPS 180-4 / NIST example vectors.
    @Test func knownVectors() {
        #expect(SHA256.hex(of: Array("".utf8)) == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
        #expect(SHA256.hex(of: Array("abc".utf8)) == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        #expect(
            SHA256.hex(of: Array("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq".utf8))
                == "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1")
        #expect(SHA256.hex(of: [UInt8](repeating: 0x61, count: 1_000_000)) == "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0")
    }

    /// Incremental updates in odd chunk sizes give the same digest as one update.
    @Test func incremental() {
        let bytes = (0..<1000).map { UInt8(truncatingIfNeeded: $0 &* 31) }
        var h = SHA256()
        var k = 0
        for size in [1, 63, 64, 65, 127, 680] {
            h.update(bytes[k..<(k + size)])
            k += size
        }
        #expect(h.finalize() == SHA256.hex(of: bytes))
    }

    /// A corpus file hashed in small chunks equals `sha256sum`.
    @Test func corpusFileAgainstSha256sum() throws {
        guard Corpus.available else { return }
        let path = Corpus.path("adsorption/atomate_Ir_H/3/outputs/vasprun.xml.gz")
        #expect(SHA256.hex(ofFile: path, chunkSize: 4096) == (try TabulationFixture.sha256sum(path)))
        #expect(SHA256.hex(ofFile: "/nonexistent/file") == nil)
    }
}
